/**
 * A throwaway redis-server for one test file: on 127.0.0.1 at a random port, no persistence,
 * and an `admin` connection that answers once the server is up. The tests that need Redis
 * check `needServices(..., [REDIS])` first (services.ts): without redis-server they skip with
 * one line, and under CI (TM_REQUIRE_SERVICES=1) they fail.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

export interface TestRedis {
  port: number;
  url: string;
  admin: Redis;
  stop(): void;
}

export const randomRedisPort = (): number => 20000 + Math.floor(Math.random() * 20000);

/** Starts redis-server on `port` and waits (up to ~10 s) for it to answer PING. */
export async function startRedis(port: number = randomRedisPort()): Promise<TestRedis> {
  const url = `redis://127.0.0.1:${port}`;
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const admin = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  admin.on('error', () => undefined); // refused until the server is up
  for (let i = 0; i < 100; i++) {
    if (await admin.ping().then((p) => p === 'PONG', () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url,
    admin,
    stop: () => {
      admin.disconnect();
      server.kill('SIGKILL');
    },
  };
}
