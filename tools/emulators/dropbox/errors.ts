// Error answers as Dropbox gives them (HTTP docs "Errors"; the SDKs' readers in dropbox-sdk-python
// dropbox_client.py raise_dropbox_error_for_resp):
//   400  bad input, plain text: Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": …
//   401  JSON {error_summary, error: AuthError}, e.g. {".tag": "expired_access_token"}
//   409  JSON {error_summary, error: <the route's error union>}
//   429  JSON {error_summary, error: RateLimitError {reason, retry_after}} and a Retry-After header
//   5xx  plain text
// The token endpoint answers in the OAuth form {"error", "error_description"}.
import { errorSummary, tagged, type Union } from './stone.js';

/** Thrown by handlers; the server turns it into the answer. */
export class DropboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function badInput(route: string, message: string): DropboxHttpError {
  return new DropboxHttpError(400, `Error in call to API function "${route}": ${message}`);
}

/** The argument could not be read: `where` is `HTTP header "Dropbox-API-Arg"` or `request body`. */
export function badArg(route: string, where: string, message: string): DropboxHttpError {
  return badInput(route, `${where}: ${message}`);
}

export function routeError(error: Union): DropboxHttpError {
  return new DropboxHttpError(409, { error_summary: errorSummary(error), error });
}

export function authError(error: Union): DropboxHttpError {
  return new DropboxHttpError(401, { error_summary: errorSummary(error), error });
}

export type RateLimitReason = 'too_many_requests' | 'too_many_write_operations';

export function rateLimited(reason: RateLimitReason, retryAfterSeconds: number): DropboxHttpError {
  const error = { reason: tagged(reason), retry_after: retryAfterSeconds };
  return new DropboxHttpError(429, { error_summary: errorSummary(error), error }, { 'retry-after': String(retryAfterSeconds) });
}

export function serverError(status: number): DropboxHttpError {
  const text = status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Internal Server Error';
  return new DropboxHttpError(status, text);
}

export function oauthError(error: string, description: string, status = 400): DropboxHttpError {
  return new DropboxHttpError(status, { error, error_description: description });
}

/**
 * A WriteError (files.stone) from the commit logic. Each route wraps it in its own union: files/upload as
 * UploadError.path (UploadWriteFailed {reason, upload_session_id}), a session finish as UploadSessionFinishError.path,
 * create_folder_v2 as CreateFolderError.path.
 */
export class WriteFailure extends Error {
  constructor(readonly error: Union) {
    super(`write failed: ${error['.tag']}`);
  }
}

export const writeConflict = (what: 'file' | 'folder' | 'file_ancestor') => new WriteFailure(tagged('conflict', { conflict: tagged(what) }));
