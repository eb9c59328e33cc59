// The Microsoft identity platform's v2.0 endpoints as a public client calls them: a form POST, no secret, a JSON
// answer; errors in the flat OAuth form {error, error_description, error_codes}.
import { NetworkError, TokenError } from './errors.js';

export const DEFAULT_LOGIN_URL = 'https://login.microsoftonline.com/';
/** Serves personal and work or school accounts alike; "consumers", "organizations" or a tenant id narrow it. */
export const DEFAULT_TENANT = 'common';

export interface IdentityEndpoint {
  loginUrl?: string;
  tenant?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** POSTs a form to {login URL}{tenant}/oauth2/v2.0/{endpoint}; answers the JSON body of a 200. */
export async function postForm(o: IdentityEndpoint, endpoint: 'token' | 'devicecode', form: Record<string, string>): Promise<Record<string, unknown>> {
  const base = o.loginUrl ?? DEFAULT_LOGIN_URL;
  const url = `${base.endsWith('/') ? base : `${base}/`}${encodeURIComponent(o.tenant ?? DEFAULT_TENANT)}/oauth2/v2.0/${endpoint}`;
  let response: Response;
  let text: string;
  try {
    response = await (o.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
    });
    text = await response.text();
  } catch (error) {
    throw new NetworkError(`sign-in (${endpoint})`, error);
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): judged by the status alone.
  }
  if (response.ok) return body;
  const codes = Array.isArray(body['error_codes']) ? body['error_codes'].filter((c): c is number => typeof c === 'number') : [];
  throw new TokenError(response.status, typeof body['error'] === 'string' ? body['error'] : `http_${response.status}`, stringField(body, 'error_description') ?? '', codes);
}

export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}
