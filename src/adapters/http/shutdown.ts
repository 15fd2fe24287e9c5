/**
 * The server's close, bounded and still graceful. Fastify's close stops accepting, answers a
 * request arriving on an open connection with 503 (`Connection: close`), closes the connections
 * idle at that moment (Node's server.close()), and then waits for every other connection to
 * end, with no bound. Two kinds never end by themselves:
 *
 * - a connection whose request was in flight when the close began: answered with
 *   `Connection: keep-alive`, it turns idle afterwards and nothing closes it until the
 *   keep-alive timeout (72 s; a fetch client keeps it as long): the close took ~70 s
 *   (the 60 s afterAll timeout of test/adapters/http/access.test.ts, once under load);
 * - a client that does not read its answer while the server is still streaming it, a request
 *   body that stops arriving (the request timeout's check stops with the close), a handler
 *   that never settles: the close never ended.
 *
 * So from the close on, the connection of each request answered is ended once its answer is
 * handed to the system (onResponse: after the last byte was written, so no answer is cut), and
 * after `graceMs` (LIMITS.closeGraceMs) whatever connection is still open is destroyed. Per
 * request this costs one hook call reading a boolean; the timer exists only during a close.
 */
import type { FastifyInstance } from 'fastify';

export function boundClose(app: FastifyInstance, graceMs: number): void {
  let closing = false;
  let force: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    const server = app.server;
    if (server.listening) {
      closing = true;
      force = setTimeout(() => {
        server.getConnections((_err, open) => {
          if (open > 0) app.log.warn(`shutdown: ${open} connection(s) still open ${graceMs} ms after the close began, destroyed`);
        });
        server.closeAllConnections();
      }, graceMs).unref();
    }
    done();
  });
  // answered during the close: Node would keep the connection open (keep-alive) until its timeout
  app.addHook('onResponse', (req, _reply, done) => {
    if (closing) req.raw.socket.end();
    done();
  });
  // onClose hooks run once the server has closed (every connection ended)
  app.addHook('onClose', (_app, done) => {
    clearTimeout(force);
    done();
  });
}
