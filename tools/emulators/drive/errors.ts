// Error bodies exactly as Google sends them, so the code under test parses the real shapes (and reasons) rather
// than something convenient. Drive API errors use the "global/usageLimits" envelope; the OAuth endpoints use the
// flat RFC 6749 form {"error": "...", "error_description": "..."}.

/** One entry of `error.errors[]` in a Drive error body. */
export interface DriveErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

/** Thrown by handlers; the server turns it into the response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function driveErrorBody(code: number, message: string, items: DriveErrorItem[], extra: object = {}) {
  return { error: { code, message, errors: items, ...extra } };
}

/** The common case: one item whose message is the top-level message. */
export function driveError(
  code: number,
  reason: string,
  message: string,
  opts: { domain?: string; location?: string; locationType?: string; headers?: Record<string, string> } = {},
): HttpError {
  const item: DriveErrorItem = { message, domain: opts.domain ?? 'global', reason };
  if (opts.location !== undefined) item.location = opts.location;
  if (opts.locationType !== undefined) item.locationType = opts.locationType;
  return new HttpError(code, driveErrorBody(code, message, [item]), opts.headers);
}

/** 400 "Invalid Value" on a query parameter: what Drive answers for a bad `q`, `orderBy`, `pageToken`, … */
export function invalidParam(location: string, message = 'Invalid Value'): HttpError {
  return driveError(400, 'invalid', message, { location, locationType: 'parameter' });
}

export function notFound(fileId: string): HttpError {
  return driveError(404, 'notFound', `File not found: ${fileId}.`, { location: 'fileId', locationType: 'parameter' });
}

// Observed live bodies (see the report for sources). 401 comes with a WWW-Authenticate header too.
const BEARER_REALM = 'Bearer realm="https://accounts.google.com/"';

export function invalidCredentials(): HttpError {
  return new HttpError(
    401,
    driveErrorBody(
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
      { status: 'UNAUTHENTICATED' },
    ),
    { 'www-authenticate': `${BEARER_REALM}, error="invalid_token"` },
  );
}

export function missingCredentials(): HttpError {
  return new HttpError(
    401,
    driveErrorBody(
      401,
      'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      [{ message: 'Login Required.', domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' }],
      {
        status: 'UNAUTHENTICATED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'CREDENTIALS_MISSING',
            domain: 'googleapis.com',
            metadata: { service: 'drive.googleapis.com' },
          },
        ],
      },
    ),
    { 'www-authenticate': BEARER_REALM },
  );
}

export function userRateLimitExceeded(): HttpError {
  return driveError(403, 'userRateLimitExceeded', 'User rate limit exceeded.', { domain: 'usageLimits' });
}

export function rateLimitExceeded(code: 403 | 429 = 403, retryAfterSeconds?: number): HttpError {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return driveError(code, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits', headers });
}

export function storageQuotaExceeded(): HttpError {
  return driveError(403, 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded.", {
    domain: 'usageLimits',
  });
}

export function serverError(status: number): HttpError {
  if (status === 503) return driveError(503, 'backendError', 'The service is currently unavailable.');
  return driveError(status, 'backendError', 'Backend Error');
}

/** OAuth endpoints (token, revoke) answer in the flat form. */
export function oauthError(status: number, error: string, description?: string): HttpError {
  const body: Record<string, string> = { error };
  if (description !== undefined) body['error_description'] = description;
  return new HttpError(status, body);
}
