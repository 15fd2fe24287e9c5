/**
 * The server's close, bounded and still graceful. Fastify's close stops accepting, answers a
 * request arriving on an open connection with 503 (`Connection: close`), closes the connections
 * idle at that moment (Node's server.close()), and then waits for every other connection to
 * end, with no bound. Three kinds kept it waiting:
 *
 * - a connection on which no request has begun: Node counts it as waiting for headers, not
 *   idle, and the check of the headers timeout stops with the close, so it was held as long as
 *   the client kept it. A fetch client (undici) under load opens such connections and keeps
 *   them: the 60 s afterAll timeouts of test/adapters/http/access.test.ts (2 of 30 runs beside
 *   a busy core; the connection left had read 0 bytes);
 * - a connection whose request was in flight when the close began: answered with
 *   `Connection: keep-alive`, it turns idle afterwards and nothing closes it until the
 *   keep-alive timeout (72 s; a fetch client keeps it as long);
 * - a client that does not read its answer while the server is still streaming it, a request
 *   body that stops arriving (the request timeout's check stops with the close too), a handler
 *   that never settles: held forever.
 *
 * So when the close begins, connections that have not received a byte are destroyed (and any
 * accepted until the listening socket is closed); during the close, the connection of each
 * request answered is ended once its answer is handed to the system (onResponse: after the
 * last byte was written, so no answer is cut); and after `graceMs` (LIMITS.closeGraceMs)
 * whatever connection is still open is destroyed. Per connection this costs a set entry, per
 * request one hook call reading a boolean; the timer exists only during a close.
 */
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';

export function boundClose(app: FastifyInstance, graceMs: number): void {
  let closing = false;
  let force: NodeJS.Timeout | undefined;
  const server = app.server;
  // the socket HTTP reads: over TLS the decrypted one (its bytesRead counts request bytes only)
  const open = new Set<Socket>();
  server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (closing) return void socket.destroy(); // accepted between the close's start and the listening socket's close
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  app.addHook('preClose', (done) => {
    if (server.listening) {
      closing = true;
      for (const socket of open) if (socket.bytesRead === 0) socket.destroy(); // no request begun: nothing to answer
      force = setTimeout(() => {
        server.getConnections((_err, left) => {
          if (left > 0) app.log.warn(`shutdown: ${left} connection(s) still open ${graceMs} ms after the close began, destroyed`);
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
