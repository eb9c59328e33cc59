// Access tokens from the saved refresh token. Microsoft rotates refresh tokens: every refresh answers a new one, and
// the one it replaces dies a little later. So the new one is handed to `saveRefreshToken` (which must persist it)
// BEFORE its access token is used: a run killed just after a refresh then still holds a live sign-in. Refreshes are
// single-flight, so concurrent calls that meet an expired token make one refresh, not several rotations.
import { withBackoff } from '../../lib/backoff.js';
import type { Clock } from '../../lib/clock.js';
import { registerSecret } from '../../lib/secrets.js';
import { judge, TokenError } from './errors.js';
import { postForm, stringField, type IdentityEndpoint } from './identity.js';

/** Where a Graph client gets its bearer token. */
export interface AccessTokenSource {
  /** A token believed valid (cached until shortly before it expires). */
  accessToken(): Promise<string>;
  /** A new token, because Graph refused the last one. */
  refreshedAccessToken(): Promise<string>;
}

export interface TokenManagerOptions extends IdentityEndpoint {
  clientId: string;
  refreshToken: string;
  /** The scopes the sign-in was granted, e.g. ["Files.ReadWrite.AppFolder", "User.Read", "offline_access"]. */
  scopes: readonly string[];
  /** Persists a rotated refresh token; awaited before the new access token is used. */
  saveRefreshToken(token: string): void | Promise<void>;
  clock: Clock;
  /** Attempts at the token endpoint for 5xx and network failures. Default 4. */
  attempts?: number;
}

/** Refresh this long before the access token's stated expiry (or a tenth of its life, if shorter), so a request in
 *  flight does not outlive it. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export class TokenManager implements AccessTokenSource {
  /** Requests made to the token endpoint. */
  requests = 0;
  private refreshToken: string;
  private current: { token: string; expiresAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(private readonly o: TokenManagerOptions) {
    this.refreshToken = o.refreshToken;
    registerSecret(o.refreshToken);
  }

  accessToken(): Promise<string> {
    if (this.current && this.o.clock.now() < this.current.expiresAt) return Promise.resolve(this.current.token);
    return this.refreshedAccessToken();
  }

  refreshedAccessToken(): Promise<string> {
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async refresh(): Promise<string> {
    let fatal: Error | null = null;
    const body = await withBackoff(
      () => {
        this.requests++;
        return postForm(this.o, 'token', {
          client_id: this.o.clientId,
          grant_type: 'refresh_token',
          refresh_token: this.refreshToken,
          scope: this.o.scopes.join(' '),
        });
      },
      {
        attempts: this.o.attempts ?? 4,
        baseMs: 1000,
        maxMs: 30_000,
        clock: this.o.clock,
        retryDelay: (error) => {
          const verdict = judge(error);
          if (verdict.retry) return verdict.afterMs;
          fatal = verdict.error;
          return null;
        },
      },
    ).catch((error: unknown) => {
      throw fatal ?? error;
    });
    const accessToken = stringField(body, 'access_token');
    const expiresIn = body['expires_in'];
    if (!accessToken || typeof expiresIn !== 'number') throw new TokenError(200, 'invalid_response', 'the token answer has no access_token or expires_in', []);
    registerSecret(accessToken);
    const rotated = stringField(body, 'refresh_token');
    if (rotated && rotated !== this.refreshToken) {
      registerSecret(rotated);
      await this.o.saveRefreshToken(rotated);
      this.refreshToken = rotated;
    }
    const lifeMs = expiresIn * 1000;
    this.current = { token: accessToken, expiresAt: this.o.clock.now() + lifeMs - Math.min(EXPIRY_MARGIN_MS, lifeMs / 10) };
    return accessToken;
  }
}
