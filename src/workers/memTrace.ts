/**
 * A debugging aid for the batch's memory: with TALENTMATCH_MEM_TRACE=<ms> set, each thread
 * that calls `memTrace(name)` (the main thread, the scoring workers, the SQLite writer) prints
 * one line to stderr every <ms> milliseconds: its isolate's heap (used / committed), the
 * external and array-buffer memory it accounts for, V8's malloced memory, the process's RSS
 * (shared by every thread) and the thread's own CPU seconds so far (`memMark` at a phase
 * boundary: what each phase cost that thread, whatever the neighbours do). Off by default; the timer does not keep a thread alive.
 */
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';

const MB = 1 / (1024 * 1024);
const mb = (n: number): string => (n * MB).toFixed(0);

/** This thread's CPU seconds (user + system; Node >= 23.9), or "-" where Node cannot say. */
function threadCpu(): string {
  const u = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return u ? ((u.user + u.system) / 1e6).toFixed(2) : '-';
}

function memLine(name: string): void {
  const u = process.memoryUsage();
  const h = getHeapStatistics();
  process.stderr.write(
    `mem ${((Date.now() / 1000) % 100000).toFixed(1)} ${name}#${threadId} cpu=${threadCpu()} rss=${mb(u.rss)} heap=${mb(h.used_heap_size)}/${mb(h.total_physical_size)} ext=${mb(u.external)} ab=${mb(u.arrayBuffers)} malloc=${mb(h.malloced_memory)} peakmalloc=${mb(h.peak_malloced_memory)}\n`,
  );
}

/** Prints one line now (a phase boundary), when the trace is on. */
export function memMark(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (Number(env.TALENTMATCH_MEM_TRACE) > 0) memLine(name);
}

/** Starts the trace for this thread when the variable is set; returns a stop function. */
export function memTrace(name: string, env: NodeJS.ProcessEnv = process.env): () => void {
  const every = Number(env.TALENTMATCH_MEM_TRACE);
  if (!Number.isFinite(every) || every <= 0) return () => undefined;
  const line = (): void => memLine(name);
  const timer = setInterval(line, every);
  timer.unref();
  return () => {
    clearInterval(timer);
    line();
  };
}
