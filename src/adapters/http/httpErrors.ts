/**
 * The API's error answers raised by route handlers: an HTTP status and a body in the API's
 * error format (the server's error handler adds the request id). Ids echoed back are
 * truncated to LIMITS.echoedId characters; 400 bodies list at most LIMITS.issues issues.
 */
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
