// Error bodies in the two shapes Microsoft sends, so the client under test parses the real ones.
//
// Graph (concepts/errors.md in microsoft-graph-docs): {"error": {"code", "message", "innerError": {...}}}, where
// innerError carries the request ids and the date and, for the detailed codes (pathIsTooLong, fragmentOverlap,
// nameContainsInvalidCharacters…), a nested "code". Observed bodies: dtinit/data-transfer-project#924 (an invalid
// name), besscroft/diyfile#1 (an expired token), microsoftgraph/msgraph-sample-reactspa#54 (no token).
//
// Identity platform (entra-docs reference-error-codes.md): the flat RFC 6749 form plus AAD's extras:
// {"error", "error_description": "AADSTSnnn: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
//  "error_codes": [n], "timestamp", "trace_id", "correlation_id", "error_uri"}.
import { randomUUID } from 'node:crypto';
// Thrown by handlers, turned into the response by the server: the same plain carrier as the Drive emulator's.
import { HttpError } from '../drive/errors.js';

export { HttpError };

export interface GraphErrorBody {
  error: { code: string; message: string; innerError?: Record<string, unknown> };
}

/** A Graph error; `innerCode` is the more detailed code Graph nests in innerError. */
export function graphError(status: number, code: string, message: string, innerCode?: string, headers: Record<string, string> = {}): HttpError {
  const body: GraphErrorBody = { error: { code, message } };
  if (innerCode !== undefined) body.error.innerError = { code: innerCode };
  return new HttpError(status, body, headers);
}

/** Adds Graph's diagnostic fields to an error body just before it is sent. */
export function stampGraphError(body: unknown, requestId: string, clientRequestId: string, now: number): unknown {
  if (!isGraphErrorBody(body)) return body;
  const date = new Date(now).toISOString().slice(0, 19);
  return { error: { ...body.error, innerError: { ...(body.error.innerError ?? {}), date, 'request-id': requestId, 'client-request-id': clientRequestId } } };
}

function isGraphErrorBody(body: unknown): body is GraphErrorBody {
  const e = (body as { error?: unknown } | null)?.error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

export const itemNotFound = (what = 'The resource could not be found.') => graphError(404, 'itemNotFound', what);
export const nameAlreadyExists = (message = 'An item with the same name already exists under the parent.') =>
  graphError(409, 'nameAlreadyExists', message);
export const accessDenied = () => graphError(403, 'accessDenied', 'Access denied');
export const invalidRequest = (message: string, innerCode?: string) => graphError(400, 'invalidRequest', message, innerCode);

/** 401 from Graph: the body and the WWW-Authenticate header Graph sends with it. */
export function invalidAuthenticationToken(message: string): HttpError {
  return graphError(401, 'InvalidAuthenticationToken', message, undefined, {
    'www-authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
}

export function throttled(status: 429 | 503, retryAfter: string | undefined): HttpError {
  const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
  return status === 429
    ? graphError(429, 'activityLimitReached', 'The request has been throttled', 'throttledRequest', headers)
    : graphError(503, 'serviceNotAvailable', 'Service unavailable', undefined, headers);
}

export function serverError(status: 500 | 502 | 503 | 504): HttpError {
  if (status === 503) return throttled(503, undefined);
  if (status === 504) return graphError(504, 'UnknownError', 'Gateway Timeout');
  return graphError(status, 'generalException', 'An unspecified error has occurred.');
}

export function insufficientStorage(): HttpError {
  return graphError(507, 'quotaLimitReached', 'Insufficient Space Available');
}

/** An identity-platform error with AAD's envelope. */
export function aadError(status: number, error: string, aadsts: number, text: string, now: number, extra: Record<string, string> = {}): HttpError {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(now).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return new HttpError(status, {
    error,
    error_description: `AADSTS${aadsts}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    ...extra,
  });
}
