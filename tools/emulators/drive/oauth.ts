// Google's OAuth 2.0 endpoints as the installed-app (loopback + PKCE) flow and google-auth-library 10 use them:
//   GET  /o/oauth2/v2/auth  → 302 to the loopback redirect_uri with ?state&code&scope (no consent screen here)
//   POST /token             grant_type=authorization_code (code, code_verifier, redirect_uri) or refresh_token;
//                           client_id + client_secret in the form (ClientSecretPost, the library's default) or Basic
//   POST /revoke?token=…    revokes the whole grant: the refresh token and every access token issued from it
// Error bodies are the flat {"error","error_description"} form the token endpoint really uses; a dead refresh token
// is 400 invalid_grant "Token has been expired or revoked.", which is what the CLI must explain to the owner.
import { createHash, randomBytes } from 'node:crypto';
import { HttpError, oauthError } from './errors.js';

export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';
const FULL_SCOPES = new Set([
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/drive.metadata',
  'https://www.googleapis.com/auth/drive.metadata.readonly',
]);
const WRITE_SCOPES = new Set(['https://www.googleapis.com/auth/drive', DRIVE_FILE_SCOPE]);

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  accessTokenTtlSeconds: number;
  /** Issue a new refresh token on every refresh and invalidate the old one (Google does not, by default). */
  rotateRefreshTokens: boolean;
  now: () => number;
}

interface Grant {
  refreshToken: string;
  scope: string;
  revoked: boolean;
}

interface Code {
  redirectUri: string;
  challenge?: string;
  method?: string;
  scope: string;
  offline: boolean;
  expiresAt: number;
  used: boolean;
}

/** What a valid access token grants, as the Drive handlers need it. */
export interface AccessGrant {
  scopes: Set<string>;
  /** Only drive.file: the app sees just the files it created. */
  appFilesOnly: boolean;
  canWrite: boolean;
}

function token(prefix: string): string {
  return prefix + randomBytes(24).toString('base64url');
}

export class OAuthServer {
  private readonly grants: Grant[] = [];
  private readonly refresh = new Map<string, Grant>();
  private readonly access = new Map<string, { grant: Grant; expiresAt: number }>();
  private readonly codes = new Map<string, Code>();

  constructor(private readonly cfg: OAuthConfig) {}

  /** For tests: a refresh token as if the owner had signed in. */
  issueRefreshToken(scope = DRIVE_FILE_SCOPE): string {
    return this.newGrant(scope).refreshToken;
  }

  /** Resolves a Bearer token, or undefined when unknown, expired or revoked. */
  checkAccessToken(t: string): AccessGrant | undefined {
    const a = this.access.get(t);
    if (!a || a.grant.revoked || this.cfg.now() >= a.expiresAt) return undefined;
    const scopes = new Set(a.grant.scope.split(' '));
    return {
      scopes,
      appFilesOnly: ![...scopes].some((s) => FULL_SCOPES.has(s)),
      canWrite: [...scopes].some((s) => WRITE_SCOPES.has(s)),
    };
  }

  /** GET /o/oauth2/v2/auth: validates like Google, then "consents" at once and redirects with a code. */
  authorize(q: URLSearchParams): string {
    if (q.get('client_id') !== this.cfg.clientId) throw new HttpError(401, 'Error 401: invalid_client. The OAuth client was not found.');
    const redirect = q.get('redirect_uri') ?? '';
    let url: URL;
    try {
      url = new URL(redirect);
    } catch {
      throw new HttpError(400, 'Error 400: invalid_request. Missing required parameter: redirect_uri');
    }
    // Installed apps may only use a loopback IP/localhost redirect over http, on any port.
    if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new HttpError(400, 'Error 400: redirect_uri_mismatch');
    }
    if (q.get('response_type') !== 'code') throw new HttpError(400, 'Error 400: invalid_request. Invalid response_type');
    const scope = q.get('scope');
    if (!scope) throw new HttpError(400, 'Error 400: invalid_request. Missing required parameter: scope');
    const challenge = q.get('code_challenge') ?? undefined;
    const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      throw new HttpError(400, 'Error 400: invalid_request. Invalid code_challenge_method');
    }
    const code = token('4/0A');
    const c: Code = {
      redirectUri: redirect,
      scope,
      offline: q.get('access_type') === 'offline',
      expiresAt: this.cfg.now() + 10 * 60_000,
      used: false,
    };
    if (challenge !== undefined) c.challenge = challenge;
    if (method !== undefined) c.method = method;
    this.codes.set(code, c);
    const state = q.get('state');
    if (state !== null) url.searchParams.set('state', state);
    url.searchParams.set('code', code);
    url.searchParams.set('scope', scope);
    return url.toString();
  }

  /** POST /token. Returns the JSON body for a 200. */
  token(form: URLSearchParams, authorization: string | undefined): Record<string, unknown> {
    this.checkClient(form, authorization);
    const grantType = form.get('grant_type') ?? '';
    if (grantType === 'refresh_token') return this.refreshGrant(form);
    if (grantType === 'authorization_code') return this.codeGrant(form);
    throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  }

  /** POST /revoke: accepts an access or a refresh token, kills the grant behind it. */
  revoke(t: string | null): void {
    const grant = t ? (this.refresh.get(t) ?? this.access.get(t)?.grant) : undefined;
    if (!grant || grant.revoked) throw oauthError(400, 'invalid_token', 'Token expired or revoked');
    grant.revoked = true;
  }

  private checkClient(form: URLSearchParams, authorization: string | undefined): void {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    if (authorization?.startsWith('Basic ')) {
      const [u, p] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    }
    if (!id) throw oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
    if (id !== this.cfg.clientId) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (secret === null || secret === '') throw oauthError(400, 'invalid_request', 'client_secret is missing.');
    if (secret !== this.cfg.clientSecret) throw oauthError(401, 'invalid_client', 'Unauthorized');
  }

  private refreshGrant(form: URLSearchParams): Record<string, unknown> {
    const rt = form.get('refresh_token');
    if (!rt) throw oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const grant = this.refresh.get(rt);
    if (!grant || grant.revoked || grant.refreshToken !== rt) {
      throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    }
    const body = this.accessFor(grant);
    if (this.cfg.rotateRefreshTokens) {
      this.refresh.delete(rt);
      grant.refreshToken = token('1//');
      this.refresh.set(grant.refreshToken, grant);
      body['refresh_token'] = grant.refreshToken;
    }
    return body;
  }

  private codeGrant(form: URLSearchParams): Record<string, unknown> {
    const code = form.get('code');
    if (!code) throw oauthError(400, 'invalid_request', 'Missing required parameter: code');
    const c = this.codes.get(code);
    // A code is single-use and short-lived; a replay is invalid_grant, as on Google.
    if (!c || c.used || this.cfg.now() >= c.expiresAt) throw oauthError(400, 'invalid_grant', 'Bad Request');
    if (form.get('redirect_uri') !== c.redirectUri) throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (c.challenge !== undefined) {
      const verifier = form.get('code_verifier');
      if (!verifier) throw oauthError(400, 'invalid_grant', 'Missing code verifier.');
      const computed = c.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (computed !== c.challenge) throw oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    c.used = true;
    const grant = this.newGrant(c.scope);
    const body = this.accessFor(grant);
    // Only an offline request yields a refresh token: forgetting access_type=offline is a classic sign-in bug.
    if (c.offline) body['refresh_token'] = grant.refreshToken;
    return body;
  }

  private newGrant(scope: string): Grant {
    const g: Grant = { refreshToken: token('1//'), scope, revoked: false };
    this.grants.push(g);
    this.refresh.set(g.refreshToken, g);
    return g;
  }

  private accessFor(grant: Grant): Record<string, unknown> {
    const at = token('ya29.');
    this.access.set(at, { grant, expiresAt: this.cfg.now() + this.cfg.accessTokenTtlSeconds * 1000 });
    return { access_token: at, expires_in: this.cfg.accessTokenTtlSeconds, scope: grant.scope, token_type: 'Bearer' };
  }
}
