// Short-lived access tokens from a refresh token (Dropbox: 4 hours). The app key always goes along; the app secret
// only when one is configured: a sign-in made with PKCE is refreshed without it. Every token learnt is registered
// as a secret, so no log line can carry it.
import type { Clock } from '../../lib/clock.js';
import { registerSecret } from '../../lib/secrets.js';
import { DropboxHttpError, DropboxOAuthError } from './errors.js';

export const DEFAULT_API_URL = 'https://api.dropboxapi.com/';

/** Where the API door gets its bearer token. */
export interface AccessTokens {
  /** A token valid for a while yet, refreshed first when it is about to expire. */
  accessToken(): Promise<string>;
  /** A new token now (after Dropbox said the last one expired). */
  refresh(): Promise<string>;
}

export interface DropboxTokenOptions {
  appKey: string;
  appSecret?: string | null;
  refreshToken: string;
  /** Base of the token endpoint: <apiUrl>oauth2/token. */
  apiUrl?: string;
  clock: Clock;
  timeoutMs?: number;
}

/** Renew this long before expiry, so that a long upload does not start on a token about to die. */
const EARLY_MS = 5 * 60_000;

/**
 * POST <apiUrl>oauth2/token with form parameters; the JSON of a 200, or the refusal as DropboxOAuthError (a 5xx as
 * DropboxHttpError, so the caller's retry sees a passing failure).
 */
export async function postTokenForm(apiUrl: string, params: Record<string, string>, timeoutMs: number): Promise<Record<string, unknown>> {
  const res = await fetch(`${withSlash(apiUrl)}oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  if (res.ok && fields) return fields;
  if (res.status < 500 && typeof fields?.['error'] === 'string') {
    throw new DropboxOAuthError(res.status, fields['error'], typeof fields['error_description'] === 'string' ? fields['error_description'] : '');
  }
  throw new DropboxHttpError('oauth2/token', res.ok ? 200 : res.status, text.slice(0, 200));
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export function dropboxTokens(o: DropboxTokenOptions): AccessTokens & { readonly refreshes: number } {
  registerSecret(o.refreshToken);
  registerSecret(o.appSecret);
  let current: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;
  let refreshes = 0;

  const renew = async (): Promise<string> => {
    const params: Record<string, string> = { grant_type: 'refresh_token', refresh_token: o.refreshToken, client_id: o.appKey };
    if (o.appSecret) params['client_secret'] = o.appSecret;
    refreshes++;
    const answer = await postTokenForm(o.apiUrl ?? DEFAULT_API_URL, params, o.timeoutMs ?? 60_000);
    const token = answer['access_token'];
    const expiresIn = answer['expires_in'];
    if (typeof token !== 'string' || typeof expiresIn !== 'number') throw new DropboxHttpError('oauth2/token', 200, 'no access_token or expires_in');
    registerSecret(token);
    current = { token, expiresAt: o.clock.now() + expiresIn * 1000 };
    return token;
  };
  // One renewal at a time: uploads that find the token stale together share it.
  const shared = () => (pending ??= renew().finally(() => (pending = null)));

  return {
    get refreshes() {
      return refreshes;
    },
    async accessToken() {
      if (current && o.clock.now() < current.expiresAt - EARLY_MS) return current.token;
      return shared();
    },
    refresh: shared,
  };
}
