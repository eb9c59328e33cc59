// Dropbox OAuth 2 as a command-line app uses it (OAuth guide; "Using OAuth 2.0 with offline access"):
//   GET  /oauth2/authorize  client_id, response_type=code, code_challenge(+_method S256|plain), token_access_type
//        (offline|online|legacy), optional redirect_uri, scope, state. Without redirect_uri Dropbox shows the code on
//        the page for the person to paste: here approve(url) plays the person pressing "Allow" and reading it.
//   POST /oauth2/token      grant_type=authorization_code (code, client_id, code_verifier | client_secret) or
//        grant_type=refresh_token (refresh_token, client_id, client_secret unless the grant came through PKCE).
//        Parameters in the form body or the query string; the client may also authenticate with HTTP Basic.
//   POST /2/auth/token/revoke  disables that access token, its refresh token and every access token of the grant
//        (auth.stone).
// Access tokens are short-lived (expires_in 14400); only token_access_type=offline yields a refresh token.
import { createHash, randomBytes } from 'node:crypto';
import { DropboxHttpError, oauthError } from './errors.js';

export const APP_SCOPES = ['account_info.read', 'files.metadata.read', 'files.content.read', 'files.content.write'] as const;

export interface OAuthConfig {
  appKey: string;
  appSecret: string;
  /** The permissions ticked in the App Console; a grant gets these (or the subset its authorize asked for). */
  scopes: readonly string[];
  accessTokenTtlSeconds: number;
  accountId: string;
  uid: string;
  now: () => number;
}

interface Grant {
  refreshToken: string | null;
  scopes: Set<string>;
  revoked: boolean;
  /** Obtained with PKCE: refreshing needs no client_secret. */
  publicClient: boolean;
}

interface Code {
  challenge: string | null;
  method: 'S256' | 'plain';
  redirectUri: string | null;
  offline: boolean;
  scopes: Set<string>;
  expiresAt: number;
  used: boolean;
}

export type TokenCheck = { grant: { scopes: Set<string> } } | { problem: 'expired_access_token' | 'invalid_access_token' };

const CODE_TTL_MS = 10 * 60_000;

const secret = (prefix: string, bytes: number) => prefix + randomBytes(bytes).toString('base64url');

function pageError(text: string): DropboxHttpError {
  return new DropboxHttpError(400, `Error (400)\n${text}`);
}

export class DropboxOAuth {
  private readonly codes = new Map<string, Code>();
  private readonly refresh = new Map<string, Grant>();
  private readonly access = new Map<string, { grant: Grant; expiresAt: number }>();

  constructor(private readonly cfg: OAuthConfig) {}

  /** The checks /oauth2/authorize makes before it shows the "Allow" page. */
  validateAuthorize(q: URLSearchParams): Omit<Code, 'expiresAt' | 'used'> {
    if (q.get('client_id') !== this.cfg.appKey) throw pageError('Invalid client_id.');
    if (q.get('response_type') !== 'code') throw pageError('Invalid response_type: only "code" is supported here.');
    const redirectUri = q.get('redirect_uri');
    // No redirect URIs are registered for the emulated app: a command-line app has the code shown instead.
    if (redirectUri !== null) throw pageError('Invalid redirect_uri. It must exactly match one of the redirect URIs you\'ve pre-configured for your app.');
    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method') ?? 'plain';
    if (method !== 'S256' && method !== 'plain') throw pageError('Invalid code_challenge_method.');
    if (challenge !== null && !/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) throw pageError('Invalid code_challenge.');
    const access = q.get('token_access_type') ?? 'legacy';
    if (!['offline', 'online', 'legacy'].includes(access)) throw pageError('Invalid token_access_type.');
    const asked = q.get('scope');
    const scopes = new Set(asked === null ? this.cfg.scopes : asked.split(' '));
    for (const s of scopes) if (!this.cfg.scopes.includes(s)) throw pageError(`Invalid scope "${s}": this app does not have that permission.`);
    return { challenge, method, redirectUri, offline: access === 'offline', scopes };
  }

  /** The person opens the authorize URL, presses "Allow", and reads the code Dropbox shows. */
  approve(authorizeUrl: string): string {
    const code = secret('', 32);
    this.codes.set(code, { ...this.validateAuthorize(new URL(authorizeUrl).searchParams), expiresAt: this.cfg.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** A grant as if the owner had signed in earlier (with PKCE unless said otherwise). */
  issueRefreshToken(publicClient = true): string {
    const grant = this.newGrant(new Set(this.cfg.scopes), true, publicClient);
    return grant.refreshToken!;
  }

  /** POST /oauth2/token: the JSON of a 200, or an error in the OAuth form. */
  token(params: URLSearchParams, authorization: string | undefined): Record<string, unknown> {
    let clientId = params.get('client_id');
    let clientSecret = params.get('client_secret');
    if (authorization?.startsWith('Basic ')) {
      const [id, pass] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
      clientId = id ?? null;
      clientSecret = pass ?? null;
    }
    if (clientId !== this.cfg.appKey) throw oauthError('invalid_client', 'Invalid client_id or client_secret');
    if (clientSecret !== null && clientSecret !== this.cfg.appSecret) throw oauthError('invalid_client', 'Invalid client_id or client_secret');
    const type = params.get('grant_type');
    if (type === 'authorization_code') return this.codeGrant(params, clientSecret !== null);
    if (type === 'refresh_token') return this.refreshGrant(params, clientSecret !== null);
    throw oauthError('unsupported_grant_type', `grant_type must be "authorization_code" or "refresh_token"`);
  }

  check(accessToken: string): TokenCheck {
    const a = this.access.get(accessToken);
    if (!a || a.grant.revoked) return { problem: 'invalid_access_token' };
    if (this.cfg.now() >= a.expiresAt) return { problem: 'expired_access_token' };
    return { grant: a.grant };
  }

  /** auth/token/revoke, with the access token that authenticated the call. */
  revoke(accessToken: string): void {
    const a = this.access.get(accessToken);
    if (a) a.grant.revoked = true;
  }

  private codeGrant(params: URLSearchParams, withSecret: boolean): Record<string, unknown> {
    const c = this.codes.get(params.get('code') ?? '');
    if (!c || c.used || this.cfg.now() >= c.expiresAt) throw oauthError('invalid_grant', "code doesn't exist or has expired");
    if ((params.get('redirect_uri') ?? null) !== c.redirectUri) throw oauthError('invalid_grant', 'redirect_uri mismatch');
    if (c.challenge !== null) {
      const verifier = params.get('code_verifier') ?? '';
      const computed = c.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (computed !== c.challenge) throw oauthError('invalid_grant', 'invalid code verifier');
    } else if (!withSecret) {
      throw oauthError('invalid_request', 'No auth function available for given request');
    }
    c.used = true;
    const grant = this.newGrant(c.scopes, c.offline, c.challenge !== null);
    const body = this.accessFor(grant);
    if (grant.refreshToken) body['refresh_token'] = grant.refreshToken;
    return { ...body, scope: [...grant.scopes].join(' '), uid: this.cfg.uid, account_id: this.cfg.accountId };
  }

  private refreshGrant(params: URLSearchParams, withSecret: boolean): Record<string, unknown> {
    const token = params.get('refresh_token');
    if (!token) throw oauthError('invalid_request', 'No refresh_token');
    const grant = this.refresh.get(token);
    if (!grant || grant.revoked) throw oauthError('invalid_grant', 'refresh token is invalid or revoked');
    if (!grant.publicClient && !withSecret) throw oauthError('invalid_request', 'No auth function available for given request');
    return this.accessFor(grant);
  }

  private newGrant(scopes: Set<string>, offline: boolean, publicClient: boolean): Grant {
    const grant: Grant = { refreshToken: offline ? secret('', 48) : null, scopes, revoked: false, publicClient };
    if (grant.refreshToken) this.refresh.set(grant.refreshToken, grant);
    return grant;
  }

  private accessFor(grant: Grant): Record<string, unknown> {
    const token = secret('sl.', 96);
    this.access.set(token, { grant, expiresAt: this.cfg.now() + this.cfg.accessTokenTtlSeconds * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: this.cfg.accessTokenTtlSeconds };
  }
}
