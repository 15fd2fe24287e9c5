/**
 * The child side of the `api` benchmark's protocol, shared by its two server processes
 * (api-server.ts, api-floor-server.ts): listens on a random loopback port, sends its address
 * to the parent, answers "cpu" with its own CPU time (microseconds) and "stop" by closing.
 */
import type { FastifyInstance } from 'fastify';

export async function serveBenchChild(app: FastifyInstance): Promise<void> {
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpu: u.user + u.system });
    } else if (m === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ base });
}
