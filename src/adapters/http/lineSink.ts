/**
 * Where the server's log lines and the audit trail's lines go: a file descriptor, written
 * either one line at a time (`sync`: each line handed to the OS as it is written, as pino's
 * default destination does) or in batches (`buffered`, the default of `serve`): lines are
 * kept in memory and written together, synchronously, when AUDIT_BUFFER.chars of them have
 * gathered, AUDIT_BUFFER.flushMs after the first unwritten one, and when the sink is
 * flushed or closed (the server's close, which `serve` runs on SIGTERM / SIGINT) and when
 * the process exits (process.exit, an uncaught exception). A batch is written with
 * writeSync, so no write is ever in flight: a flush at exit cannot reorder lines.
 *
 * What a crash can lose, buffered: the lines of the last AUDIT_BUFFER.flushMs, fewer than
 * AUDIT_BUFFER.chars characters, and only when the process dies without running its exit
 * handlers (SIGKILL, the OOM killer, a power loss). `sync` loses none of what was written
 * on a process kill; neither mode calls fsync, so a power loss can lose what the OS had not
 * written yet (README "Audit trail").
 *
 * A failed write (disk full, a closed pipe) drops that batch: it is reported once per
 * distinct reason to `onError` with the count of lines lost, and the next write tries again.
 */
import { closeSync, writeSync } from 'node:fs';
import { AUDIT_BUFFER } from '../../config/api.js';

export type SinkMode = 'buffered' | 'sync';

const open = new Set<LineSink>();
let exitHooked = false;
/** At exit, every open sink writes what it holds (sync: 'exit' handlers cannot wait). */
const flushAllAtExit = () => {
  for (const s of open) s.flush();
};

/** EAGAIN on a non-blocking pipe or terminal: wait a moment (synchronously) and retry, as pino's sonic-boom does. */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export class LineSink {
  private pending = '';
  private lines = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastError: string | undefined;

  /**
   * @param fd where the lines go (1 = stdout); `ownsFd`: closed by close() (an opened file)
   * @param onError told when a batch could not be written (the reason, the lines lost)
   */
  constructor(
    private readonly fd: number,
    private mode: SinkMode,
    private readonly o: { ownsFd?: boolean; onError?: (reason: string, linesLost: number) => void; chars?: number; flushMs?: number } = {},
  ) {
    open.add(this);
    if (!exitHooked) {
      process.on('exit', flushAllAtExit);
      exitHooked = true;
    }
  }

  /** Appends text (one or more whole lines, each ending in "\n"). */
  write(text: string): boolean {
    if (this.closed) return false;
    this.pending += text;
    this.lines++;
    if (this.mode === 'sync' || this.pending.length >= (this.o.chars ?? AUDIT_BUFFER.chars)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.flushMs ?? AUDIT_BUFFER.flushMs).unref();
    return true;
  }

  /** Writes what is held, now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending === '') return;
    const text = this.pending;
    const lines = this.lines;
    this.pending = '';
    this.lines = 0;
    try {
      writeFully(this.fd, text);
      this.lastError = undefined;
    } catch (e) {
      const reason = `${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`;
      if (reason !== this.lastError) this.o.onError?.(reason, lines);
      this.lastError = reason;
    }
  }

  /** How lines are written now ('sync' once closed, for a descriptor it does not own). */
  get writes(): SinkMode {
    return this.mode;
  }

  /**
   * Writes what is held. A descriptor it owns (an opened file) is then closed and later
   * writes are refused (false); one it does not own (stdout) stays open and later lines
   * (logged after the server closed) are written one at a time.
   */
  close(): void {
    if (this.closed) return;
    this.flush();
    open.delete(this);
    if (this.o.ownsFd) {
      this.closed = true;
      closeSync(this.fd);
    } else this.mode = 'sync';
  }
}

/** writeSync until every byte is out: a pipe may take part of a batch, or none for a moment (EAGAIN). */
function writeFully(fd: number, text: string): void {
  let buf: Buffer | undefined;
  let off = 0;
  for (let tries = 0; ; ) {
    try {
      if (buf === undefined) {
        const n = writeSync(fd, text);
        if (n === Buffer.byteLength(text)) return;
        buf = Buffer.from(text);
        off = n;
      } else {
        off += writeSync(fd, buf, off);
      }
      if (buf !== undefined && off >= buf.length) return;
      tries = 0;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN' || ++tries > 1000) throw e;
      pause(10);
    }
  }
}
