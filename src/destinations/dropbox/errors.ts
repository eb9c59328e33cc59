// What a failed Dropbox call means, and whether to try again: rclone's lesson that each backend owns this rule.
// The classes below are what dropboxApi.ts makes of an answer; judge() turns them into a verdict.
import type { Verdict } from '../../lib/backoff.js';
import { DestinationFullError, UnauthorisedError } from '../../lib/errors.js';
import { tagsOf } from './wire.js';

/** A route's own error (409, and 403/404 where a route declares them): its union, and the union's tags. */
export class DropboxRouteError extends Error {
  readonly tags: string[];
  constructor(
    readonly route: string,
    readonly status: number,
    readonly error: unknown,
  ) {
    const tags = tagsOf(error);
    super(`Dropbox ${route} failed: ${tags.join('/') || `HTTP ${status}`}`);
    this.name = 'DropboxRouteError';
    this.tags = tags;
  }

  has(tag: string): boolean {
    return this.tags.includes(tag);
  }
}

/** 429: too_many_requests or too_many_write_operations, with the wait Dropbox asks for. */
export class DropboxRateLimitError extends Error {
  constructor(
    readonly route: string,
    readonly reason: string,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`Dropbox ${route}: ${reason}`);
    this.name = 'DropboxRateLimitError';
  }
}

/** 401: an AuthError (expired_access_token, invalid_access_token, missing_scope …). */
export class DropboxAuthError extends Error {
  constructor(
    readonly route: string,
    readonly tag: string,
    readonly requiredScope: string | undefined,
  ) {
    super(`Dropbox ${route}: ${tag}`);
    this.name = 'DropboxAuthError';
  }
}

/** Any other status: 400 (our bug, plain text), 5xx, or an answer that is not what the route returns. */
export class DropboxHttpError extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    readonly body: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`Dropbox ${route}: HTTP ${status}${body ? ` ${body.slice(0, 200)}` : ''}`);
    this.name = 'DropboxHttpError';
  }
}

/** The token endpoint's refusal, in the OAuth form {"error", "error_description"}. */
export class DropboxOAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`Dropbox sign-in: ${error}${description ? ` (${description})` : ''}`);
    this.name = 'DropboxOAuthError';
  }
}

const SIGN_IN_AGAIN = 'Run `backup auth dropbox` to sign in again';
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function invalidGrant(description: string): UnauthorisedError {
  return new UnauthorisedError(
    `Dropbox refused the saved sign-in (invalid_grant${description ? `: ${description}` : ''}). Likely causes: access was removed ` +
      'in Dropbox (Settings → Connected apps) or with `backup revoke`, or the app was deleted in the App Console. ' +
      SIGN_IN_AGAIN,
  );
}

function refusedToken(e: DropboxAuthError): UnauthorisedError {
  if (e.tag === 'missing_scope') {
    return new UnauthorisedError(
      `the Dropbox app lacks the permission ${e.requiredScope ?? '(unnamed)'}: tick it in the App Console (Permissions tab), then ` +
        'run `backup auth dropbox` again (a sign-in keeps the permissions the app had when it was made)',
    );
  }
  if (e.tag === 'invalid_access_token') {
    return new UnauthorisedError(`Dropbox refused the access token (invalid_access_token): the sign-in was revoked or removed in Dropbox (Settings → Connected apps). ${SIGN_IN_AGAIN}`);
  }
  return new UnauthorisedError(`Dropbox refused the access token (${e.tag}). ${SIGN_IN_AGAIN}`);
}

function networkFailure(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; name?: string } };
  const code = String(e?.code ?? e?.cause?.code ?? '');
  return NETWORK_CODES.has(code) || e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError' || /fetch failed|terminated|socket hang up/i.test(e?.message ?? '');
}

/** Decides what a failed call means. Unknown failures are not retried: a bounded loop must end somewhere. */
export function judge(error: unknown): Verdict {
  if (error instanceof DropboxRateLimitError) {
    // Exactly the wait Dropbox names; without one, the usual backoff.
    return { retry: true, afterMs: error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000 };
  }
  if (error instanceof DropboxRouteError) {
    if (error.has('insufficient_space')) {
      return { retry: false, error: new DestinationFullError(`Dropbox is full (${error.tags.join('/')}): free up space or upgrade the Dropbox plan; the next run stores the rest`) };
    }
    if (error.has('no_write_permission') || error.has('team_folder') || error.has('access_restricted')) {
      return { retry: false, error: new DestinationFullError(`Dropbox refused the write (${error.tags.join('/')}): check the folder's sharing and the app's access`) };
    }
    // A contended namespace, or bytes that arrived damaged: both pass.
    if (error.has('too_many_write_operations') || error.has('content_hash_mismatch')) return { retry: true };
    return { retry: false, error };
  }
  if (error instanceof DropboxAuthError) return { retry: false, error: refusedToken(error) };
  if (error instanceof DropboxOAuthError) {
    if (error.error === 'invalid_grant') return { retry: false, error: invalidGrant(error.description) };
    if (error.error === 'invalid_client') {
      return { retry: false, error: new UnauthorisedError(`Dropbox does not know this app key (invalid_client): check the app key against the App Console. ${SIGN_IN_AGAIN}`) };
    }
    if (error.status >= 500) return { retry: true };
    return { retry: false, error: new UnauthorisedError(`Dropbox refused to renew the sign-in (${error.error}${error.description ? `: ${error.description}` : ''}). ${SIGN_IN_AGAIN}`) };
  }
  if (error instanceof DropboxHttpError) {
    // A 200 that is not JSON is a proxy's page or a cut answer: as passing as a 5xx.
    if (error.status >= 500 || error.status === 200) return { retry: true, afterMs: error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000 };
    return { retry: false, error };
  }
  if (networkFailure(error)) return { retry: true };
  return { retry: false, error: error instanceof Error ? error : new Error(String(error)) };
}
