// The Microsoft identity platform's v2.0 endpoints as a public client (no secret) uses them:
//   POST /{tenant}/oauth2/v2.0/devicecode  client_id, scope → device_code, user_code, verification_uri, expires_in,
//                                          interval, message (entra-docs v2-oauth2-device-code.md)
//   POST /{tenant}/oauth2/v2.0/token       grant_type=urn:ietf:params:oauth:grant-type:device_code (device_code) or
//                                          grant_type=refresh_token (refresh_token, optional scope)
// Every refresh answers a NEW refresh token (rotation); the one it replaces keeps working for a grace period, as
// Microsoft's refresh-tokens.md says old ones stay valid for a while, then gets invalid_grant AADSTS70000. A refresh
// token lives 90 days from its issue. A grant whose consent was removed answers AADSTS65001 (with suberror
// consent_required), one whose sessions were revoked (a password change) AADSTS50173; access tokens already issued
// keep working until they expire either way. `slow_down` is RFC 8628's, which Microsoft's page does not list: it is
// answered, and the required interval grows by 5 s, when a code is polled sooner than its interval allows.
import { randomBytes, randomUUID } from 'node:crypto';
import { aadError, type HttpError } from './errors.js';

export type AccountType = 'personal' | 'business';
/** The app registration's "supported account types" (its manifest's signInAudience). */
export type AppAudience = 'AzureADandPersonalMicrosoftAccount' | 'PersonalMicrosoftAccount' | 'AzureADMultipleOrgs';
/** The tenant every personal Microsoft account belongs to. */
export const MSA_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const KNOWN_SCOPES = [
  'Files.Read',
  'Files.ReadWrite',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Files.ReadWrite.AppFolder',
  'User.Read',
  'offline_access',
  'openid',
  'profile',
  'email',
];
const OIDC_SCOPES = new Set(['offline_access', 'openid', 'profile', 'email']);
const USER_CODE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const DAY_MS = 24 * 3600 * 1000;

export interface IdentityConfig {
  clientId: string;
  appName: string;
  appAudience: AppAudience;
  accountType: AccountType;
  /** The business account's directory (a GUID); personal accounts live in MSA_TENANT_ID. */
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  accessTokenTtlSeconds: number;
  refreshGraceSeconds: number;
  refreshTokenLifetimeDays: number;
  deviceCodeTtlSeconds: number;
  deviceCodeIntervalSeconds: number;
  /** Polls closer together than this (or than the code's interval, if longer) get slow_down. */
  minPollIntervalSeconds: number;
  verificationUri: string;
  /** The registration's "Allow public client flows" (Authentication, advanced settings); off, tokens need a secret. */
  allowPublicClientFlows: boolean;
  now: () => number;
}

type GrantState = 'active' | 'consentRevoked' | 'sessionsRevoked';

interface Grant {
  scopes: string[];
  state: GrantState;
  issuedAt: number;
  revokedAt?: number;
}

interface RefreshToken {
  grant: Grant;
  issuedAt: number;
  replacedAt?: number;
}

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  tenant: string;
  scopes: string[];
  expiresAt: number;
  intervalSeconds: number;
  lastContactAt: number;
  state: 'pending' | 'approved' | 'declined' | 'redeemed';
}

/** What a valid access token carries, as the Graph handlers need it. */
export interface AccessGrant {
  scopes: Set<string>;
}

export interface DeviceCodeInfo {
  userCode: string;
  tenant: string;
  scopes: string[];
  state: DeviceCode['state'];
}

export class IdentityPlatform {
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly accessTokens = new Map<string, { grant: Grant; scopes: string[]; expiresAt: number }>();
  private readonly deviceCodes = new Map<string, DeviceCode>();
  private readonly grants: Grant[] = [];

  constructor(private readonly cfg: IdentityConfig) {}

  /** POST /{tenant}/oauth2/v2.0/devicecode */
  deviceCode(tenant: string, form: URLSearchParams): Record<string, unknown> {
    this.checkTenantAndClient(tenant, form);
    const scopes = this.parseScopes(required(form, 'scope', this.cfg.now()));
    const code: DeviceCode = {
      deviceCode: `DAQABAAEAAA${randomBytes(96).toString('base64url')}`,
      userCode: userCode(),
      tenant,
      scopes,
      expiresAt: this.cfg.now() + this.cfg.deviceCodeTtlSeconds * 1000,
      intervalSeconds: this.cfg.deviceCodeIntervalSeconds,
      lastContactAt: this.cfg.now(),
      state: 'pending',
    };
    this.deviceCodes.set(code.deviceCode, code);
    return {
      user_code: code.userCode,
      device_code: code.deviceCode,
      verification_uri: this.cfg.verificationUri,
      expires_in: this.cfg.deviceCodeTtlSeconds,
      interval: this.cfg.deviceCodeIntervalSeconds,
      message: `To sign in, use a web browser to open the page ${this.cfg.verificationUri} and enter the code ${code.userCode} to authenticate.`,
    };
  }

  /** POST /{tenant}/oauth2/v2.0/token */
  token(tenant: string, form: URLSearchParams): Record<string, unknown> {
    this.checkTenantAndClient(tenant, form);
    const grantType = required(form, 'grant_type', this.cfg.now());
    if (!this.cfg.allowPublicClientFlows) {
      throw this.fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    if (grantType === DEVICE_CODE_GRANT) return this.deviceCodeGrant(form);
    if (grantType === 'refresh_token') return this.refreshGrant(tenant, form);
    throw this.fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }

  /** The scopes behind a Bearer token; 'expired' or undefined when it cannot be used. */
  checkAccessToken(token: string): AccessGrant | 'expired' | undefined {
    const a = this.accessTokens.get(token);
    if (!a) return undefined;
    if (this.cfg.now() >= a.expiresAt) return 'expired';
    return { scopes: new Set(a.scopes) };
  }

  /** For tests: a refresh token as if the owner had signed in with these scopes. */
  issueRefreshToken(scope: string): string {
    return this.newRefreshToken(this.newGrant(this.parseScopes(scope)));
  }

  /** The person entered the code at the verification page and consented. */
  approve(userCode: string): void {
    const code = this.pendingCode(userCode);
    const refusal = this.accountRefusal(code.tenant);
    if (refusal) throw new Error(`the sign-in page refused the account: AADSTS${refusal.aadsts}: ${refusal.text}`);
    code.state = 'approved';
  }

  /** The person entered the code and declined. */
  decline(userCode: string): void {
    this.pendingCode(userCode).state = 'declined';
  }

  pendingDeviceCodes(): DeviceCodeInfo[] {
    return [...this.deviceCodes.values()]
      .filter((c) => c.state === 'pending' && this.cfg.now() < c.expiresAt)
      .map((c) => ({ userCode: c.userCode, tenant: c.tenant, scopes: [...c.scopes], state: c.state }));
  }

  /** The scopes of every grant so far (sign-ins and issued test tokens), in order. */
  grantedScopes(): string[][] {
    return this.grants.map((g) => [...g.scopes]);
  }

  /** The owner removed the app (account.live.com/consent/Manage, myapps.microsoft.com). */
  revokeConsent(): void {
    for (const g of this.grants) this.revoke(g, 'consentRevoked');
  }

  /** A password change or an admin's revokeSignInSessions: every grant must sign in again. */
  revokeSessions(): void {
    for (const g of this.grants) this.revoke(g, 'sessionsRevoked');
  }

  private revoke(g: Grant, state: GrantState): void {
    g.state = state;
    g.revokedAt = this.cfg.now();
  }

  private deviceCodeGrant(form: URLSearchParams): Record<string, unknown> {
    const now = this.cfg.now();
    const code = this.deviceCodes.get(required(form, 'device_code', now));
    if (!code || code.state === 'redeemed') {
      throw this.fail(400, 'bad_verification_code', 70000, "The provided value for the input parameter 'device_code' is not valid.");
    }
    if (now >= code.expiresAt) throw this.fail(400, 'expired_token', 70019, 'Verification code expired.');
    const waitMs = Math.max(code.intervalSeconds, this.cfg.minPollIntervalSeconds) * 1000;
    const early = now - code.lastContactAt < waitMs;
    code.lastContactAt = now;
    if (early) {
      code.intervalSeconds += 5;
      throw this.fail(400, 'slow_down', 70016, 'OAuth 2.0 device flow error. The client is polling too quickly: poll less often.');
    }
    if (code.state === 'pending') {
      throw this.fail(400, 'authorization_pending', 70016, 'The provided request has not yet been authorized by the user. The user must input their code.');
    }
    if (code.state === 'declined') throw this.fail(400, 'authorization_declined', 65004, 'User declined to consent to access the app.');
    code.state = 'redeemed';
    return this.tokenResponse(this.newGrant(code.scopes));
  }

  private refreshGrant(tenant: string, form: URLSearchParams): Record<string, unknown> {
    const now = this.cfg.now();
    const presented = required(form, 'refresh_token', now);
    const rt = this.refreshTokens.get(presented);
    const graceMs = this.cfg.refreshGraceSeconds * 1000;
    if (!rt || (rt.replacedAt !== undefined && now > rt.replacedAt + graceMs)) {
      throw this.fail(400, 'invalid_grant', 70000, "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.");
    }
    const { grant } = rt;
    if (grant.state === 'consentRevoked') {
      throw this.consentRequired();
    }
    if (grant.state === 'sessionsRevoked') {
      throw this.fail(
        400,
        'invalid_grant',
        50173,
        `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${iso(grant.issuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${iso(grant.revokedAt ?? now)}'.`,
      );
    }
    const lifetimeMs = this.cfg.refreshTokenLifetimeDays * DAY_MS;
    if (now - rt.issuedAt > lifetimeMs) {
      throw this.fail(
        400,
        'invalid_grant',
        700082,
        `The refresh token has expired due to inactivity. The token was issued on ${iso(rt.issuedAt)} and was inactive for ${this.cfg.refreshTokenLifetimeDays}.00:00:00.`,
      );
    }
    const refusal = this.accountRefusal(tenant);
    if (refusal) throw this.fail(400, 'invalid_grant', refusal.aadsts, refusal.text);
    const asked = form.get('scope');
    if (asked) {
      const missing = this.parseScopes(asked).filter((s) => !OIDC_SCOPES.has(s) && !grant.scopes.includes(s));
      if (missing.length > 0) {
        throw this.consentRequired();
      }
    }
    rt.replacedAt ??= now;
    return this.tokenResponse(grant);
  }

  private tokenResponse(grant: Grant): Record<string, unknown> {
    const accessToken = this.cfg.accountType === 'personal' ? `EwB${randomBytes(90).toString('base64url')}` : fakeJwt({ scp: grant.scopes.join(' ') });
    const resourceScopes = grant.scopes.filter((s) => s !== 'offline_access');
    this.accessTokens.set(accessToken, { grant, scopes: resourceScopes, expiresAt: this.cfg.now() + this.cfg.accessTokenTtlSeconds * 1000 });
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: resourceScopes.join(' '),
      expires_in: this.cfg.accessTokenTtlSeconds,
      ext_expires_in: this.cfg.accessTokenTtlSeconds,
      access_token: accessToken,
    };
    if (grant.scopes.includes('offline_access')) body['refresh_token'] = this.newRefreshToken(grant);
    if (grant.scopes.includes('openid')) {
      body['id_token'] = fakeJwt({
        aud: this.cfg.clientId,
        tid: this.homeTenant(),
        preferred_username: this.cfg.userPrincipalName,
        name: this.cfg.displayName,
        oid: randomUUID(),
      });
    }
    return body;
  }

  private newGrant(scopes: string[]): Grant {
    const g: Grant = { scopes, state: 'active', issuedAt: this.cfg.now() };
    this.grants.push(g);
    return g;
  }

  private newRefreshToken(grant: Grant): string {
    const t = this.cfg.accountType === 'personal' ? `M.C5${randomBytes(120).toString('base64url')}` : `0.A${randomBytes(200).toString('base64url')}`;
    this.refreshTokens.set(t, { grant, issuedAt: this.cfg.now() });
    return t;
  }

  private pendingCode(userCode: string): DeviceCode {
    const code = [...this.deviceCodes.values()].find((c) => c.userCode === userCode.toUpperCase());
    if (!code || code.state !== 'pending' || this.cfg.now() >= code.expiresAt) throw new Error(`no pending sign-in with the code ${userCode}`);
    return code;
  }

  private homeTenant(): string {
    return this.cfg.accountType === 'personal' ? MSA_TENANT_ID : this.cfg.tenantId;
  }

  /** Whether the signed-in account can be served through this tenant segment (the login page refuses it if not). */
  private accountRefusal(tenant: string): { aadsts: number; text: string } | undefined {
    const t = tenant.toLowerCase();
    const serves =
      this.cfg.accountType === 'personal'
        ? t === 'common' || t === 'consumers' || t === MSA_TENANT_ID
        : t === 'common' || t === 'organizations' || t === this.cfg.tenantId.toLowerCase() || t.includes('.');
    if (serves) return undefined;
    if (this.cfg.accountType === 'personal') {
      return {
        aadsts: 50020,
        text: `User account '${this.cfg.userPrincipalName}' from identity provider 'live.com' does not exist in tenant '${tenant}' and cannot access the application '${this.cfg.clientId}'(${this.cfg.appName}) in that tenant.`,
      };
    }
    return { aadsts: 500208, text: 'The domain is not a valid login domain for the account type.' };
  }

  private checkTenantAndClient(tenant: string, form: URLSearchParams): void {
    const now = this.cfg.now();
    const t = tenant.toLowerCase();
    const known = ['common', 'consumers', 'organizations'].includes(t) || /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(t) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(t);
    if (!known) {
      throw this.fail(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const clientId = required(form, 'client_id', now);
    if (form.has('client_secret') || form.has('client_assertion')) {
      throw this.fail(401, 'invalid_client', 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
    }
    if (clientId !== this.cfg.clientId) {
      throw this.fail(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
    }
    const consumersOnly = t === 'consumers' || t === MSA_TENANT_ID;
    if (this.cfg.appAudience === 'PersonalMicrosoftAccount' && !consumersOnly) {
      throw this.fail(
        400,
        'invalid_request',
        9002331,
        `Application '${this.cfg.clientId}'(${this.cfg.appName}) is configured for use by Microsoft Account users only. Please use the /consumers endpoint to serve this request.`,
      );
    }
    if (this.cfg.appAudience === 'AzureADMultipleOrgs' && consumersOnly) {
      throw this.fail(
        400,
        'invalid_request',
        9002332,
        `Application '${this.cfg.clientId}'(${this.cfg.appName}) is configured for use by Azure Active Directory users only. Please do not use the /consumers endpoint to serve this request.`,
      );
    }
  }

  /** Scope names as Graph spells them; the resource prefix is optional and case does not matter. */
  private parseScopes(scope: string): string[] {
    const out: string[] = [];
    for (const raw of scope.split(/\s+/).filter(Boolean)) {
      const bare = raw.replace(/^https:\/\/graph\.microsoft\.com\//i, '');
      const known = KNOWN_SCOPES.find((k) => k.toLowerCase() === bare.toLowerCase());
      if (!known) {
        throw this.fail(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${raw}' does not exist.`);
      }
      if (!out.includes(known)) out.push(known);
    }
    return out;
  }

  /** AADSTS65001: no consent for (some of) these scopes, as after the owner removed the app. */
  private consentRequired(): HttpError {
    return this.fail(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${this.cfg.clientId}' named '${this.cfg.appName}'. Send an interactive authorization request for this user and resource.`,
      { suberror: 'consent_required' },
    );
  }

  private fail(status: number, error: string, aadsts: number, text: string, extra: Record<string, string> = {}): HttpError {
    return aadError(status, error, aadsts, text, this.cfg.now(), extra);
  }
}

function required(form: URLSearchParams, name: string, now: number): string {
  const v = form.get(name);
  if (!v) throw aadError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`, now);
  return v;
}

function userCode(): string {
  let s = '';
  for (const b of randomBytes(8)) s += USER_CODE_CHARS[b % USER_CODE_CHARS.length];
  return s;
}

function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'none' })}.${part(claims)}.`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}
