/**
 * The API's error answers raised by route handlers: an HTTP status and a body in the API's
 * error format (the server's error handler adds the request id). Ids echoed back are
 * truncated to LIMITS.echoedId characters; 400 bodies list at most LIMITS.issues issues.
 */
import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { z } from 'zod';
import type { InputIssue } from '../../errors.js';
import { ErrorBody, LIMITS } from '../../api/schemas.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: z.infer<typeof ErrorBody>,
  ) {
    super(body.message);
  }
}

/** An id as echoed back: at most LIMITS.echoedId characters (a 1 MB id was echoed whole). */
export const echo = (id: string) => (id.length > LIMITS.echoedId ? `${id.slice(0, LIMITS.echoedId)}...` : id);
export const notFound = (what: string, id: string) => new HttpError(404, { error: 'not_found', message: `unknown ${what} id ${JSON.stringify(echo(id))}`, id: echo(id) });
export const notReady = (message: string) => new HttpError(503, { error: 'not_ready', message });
/** The store could not be read (corrupt, truncated, removed): 503, never 500. */
export const storeUnavailable = () => notReady('the snapshot database cannot be read; see the server log');

/** A 400 body: at most LIMITS.issues issues listed, the rest counted in `omitted`. */
export const issueBody = (issues: readonly InputIssue[], message: string, omitted = 0) => {
  const shown = issues.slice(0, LIMITS.issues);
  const more = omitted + issues.length - shown.length;
  return {
    error: 'bad_request',
    message,
    issues: shown.map((i) => ({ where: i.file + (i.index !== undefined ? `[${i.index}]` : i.line !== undefined ? `:${i.line}` : ''), path: i.path, expected: i.expected, got: i.got })),
    ...(more > 0 ? { omitted: more } : {}),
  };
};

/**
 * The answer to a request Node's HTTP parser refused before Fastify saw it, in the API's error
 * format: a request line and headers over Node's limit (`http.maxHeaderSize`, 16 KiB unless
 * `--max-http-header-size`), a request not received within the request timeout, anything
 * else malformed. Fastify's own answers had `error: "Bad Request"` / `"Request Header Fields
 * Too Large"` / `"Request Timeout"`, none of the contract's codes.
 */
export function clientErrorAnswer(code: string | undefined): { status: number; body: z.infer<typeof ErrorBody> } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, body: { error: 'headers_too_large', message: `request line and headers larger than ${maxHeaderSize.toLocaleString('en-US')} bytes` } };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, body: { error: 'request_timeout', message: 'the request was not received in time' } };
  return { status: 400, body: { error: 'bad_request', message: 'malformed HTTP request' } };
}

/** Fastify's clientErrorHandler: writes clientErrorAnswer on the socket and closes it (a reset socket gets nothing). */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorAnswer(err.code);
  const text = JSON.stringify(body);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`);
  socket.destroy(err);
}
