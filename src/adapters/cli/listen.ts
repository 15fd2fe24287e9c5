/**
 * What `serve` and `studio` share: the --port / --host declarations and their schema, the
 * loopback rule, binding the socket (a failure to bind is the user's to fix: E_IO, exit 1)
 * and serving until SIGTERM / SIGINT, then closing gracefully (in-flight requests finish).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { TalentmatchError, optionError } from '../../errors.js';

export const listenSchema = z.object({ port: z.number().int().min(0).max(65535), host: z.string() });
export type ListenOptions = z.infer<typeof listenSchema>;

export function addListenOptions(cmd: Command, defaults: ListenOptions, hostHelp: string): Command {
  return cmd
    .option('--port <n>', 'port (0 = any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw optionError(`--port must be an integer in [0, 65535], got ${JSON.stringify(v)}`);
      return n;
    }, defaults.port)
    .option('--host <addr>', hostHelp, defaults.host);
}

/** 127.0.0.0/8, ::1 and localhost: the addresses where serving without keys is allowed. */
export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::ffff:127.0.0.1';

/** Why the socket could not be bound, for a person (exit 1, not an internal error); other errors pass through. */
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'the port is in use by another process; stop it or choose another --port',
  EACCES: 'permission denied (ports below 1024 need privileges); choose another --port',
  EADDRNOTAVAIL: 'no such address on this machine; check --host',
  ENOTFOUND: 'the host name does not resolve; check --host',
};

function listenError(e: unknown, host: string, port: number): unknown {
  const why = e instanceof Error && 'code' in e ? LISTEN_FAILURES[String(e.code)] : undefined;
  return why === undefined ? e : new TalentmatchError('E_IO', `cannot listen on ${host}:${port}: ${why}`);
}

/** What of a server this needs (a Fastify instance satisfies it). */
interface Listener {
  listen(o: ListenOptions): Promise<string>;
  close(): Promise<unknown>;
}

/**
 * Binds `app` to `o` (closing it when that fails), calls `announce` with the address, and
 * resolves once SIGTERM or SIGINT has closed it.
 */
export async function serveUntilSignal(app: Listener, o: ListenOptions, announce: (address: string) => void): Promise<void> {
  let address: string;
  try {
    address = await app.listen({ port: o.port, host: o.host });
  } catch (e) {
    await app.close();
    throw listenError(e, o.host, o.port);
  }
  announce(address);
  await new Promise<void>((resolve) => {
    const stop = () => {
      app.close().then(() => resolve(), () => resolve());
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
