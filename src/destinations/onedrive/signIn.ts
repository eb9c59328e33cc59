// Sign-in for a machine without a browser: the OAuth 2.0 device authorization grant (RFC 8628) as Microsoft runs it
// (entra-docs v2-oauth2-device-code.md). We ask for a code, show Microsoft's own message (an address and the code)
// to the person, who signs in on any device, and poll the token endpoint meanwhile: never sooner than `interval`,
// 5 s slower after each slow_down, and no longer than the code lives. Then GET /me tells which account it was.
import type { Clock } from '../../lib/clock.js';
import { UnauthorisedError, UsageError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/secrets.js';
import { judge, NetworkError, TokenError } from './errors.js';
import { GraphApi } from './graphApi.js';
import { postForm, stringField, type IdentityEndpoint } from './identity.js';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The app's own folder (Apps/<app name>) only, on personal accounts; User.Read lets GET /me name the account. */
export const APP_FOLDER_SCOPES = ['Files.ReadWrite.AppFolder', 'User.Read', 'offline_access'] as const;
/** The whole drive: for a folder of the owner's choosing, and for work or school accounts. */
export const FULL_DRIVE_SCOPES = ['Files.ReadWrite', 'User.Read', 'offline_access'] as const;

export interface DeviceSignInOptions extends IdentityEndpoint {
  clientId: string;
  scopes: readonly string[];
  /** Graph's v1.0 root, for GET /me. */
  graphUrl?: string;
  /** Shows the person what to do. */
  say(text: string): void;
  clock: Clock;
}

export interface MicrosoftAccount {
  id: string;
  userPrincipalName: string;
  displayName: string;
}

export interface SignedIn {
  refreshToken: string;
  /** The scopes Microsoft granted, as it listed them. */
  grantedScopes: string[];
  account: MicrosoftAccount;
}

export async function signInWithDeviceCode(o: DeviceSignInOptions): Promise<SignedIn> {
  const code = await postForm(o, 'devicecode', { client_id: o.clientId, scope: o.scopes.join(' ') }).catch(explain);
  const deviceCode = stringField(code, 'device_code');
  const message = stringField(code, 'message');
  if (!deviceCode || !message) throw new UsageError('Microsoft answered the sign-in request without a device code');
  registerSecret(deviceCode);
  o.say(message);
  const expiresIn = typeof code['expires_in'] === 'number' ? code['expires_in'] : 900;
  let intervalMs = (typeof code['interval'] === 'number' ? code['interval'] : 5) * 1000;
  const deadline = o.clock.now() + expiresIn * 1000;

  let tokens: Record<string, unknown> | undefined;
  while (!tokens) {
    await o.clock.sleep(intervalMs);
    if (o.clock.now() >= deadline) throw expired();
    try {
      tokens = await postForm(o, 'token', { grant_type: DEVICE_CODE_GRANT, client_id: o.clientId, device_code: deviceCode });
    } catch (error) {
      if (error instanceof NetworkError) continue;
      if (!(error instanceof TokenError)) throw error;
      if (error.error === 'authorization_pending') continue;
      if (error.error === 'slow_down') {
        intervalMs += 5000;
        continue;
      }
      if (error.error === 'authorization_declined') {
        throw new UnauthorisedError('the sign-in was declined at Microsoft; run `backup auth onedrive` again and accept the access the app asks for');
      }
      if (error.error === 'expired_token') throw expired();
      if (error.error === 'bad_verification_code') throw new UsageError('Microsoft no longer knows this sign-in code; run `backup auth onedrive` again');
      explain(error);
    }
  }

  const accessToken = stringField(tokens, 'access_token');
  const refreshToken = stringField(tokens, 'refresh_token');
  registerSecret(accessToken);
  registerSecret(refreshToken);
  if (!accessToken) throw new UsageError('Microsoft finished the sign-in without an access token');
  if (!refreshToken) throw new UsageError('Microsoft sent no refresh token: the sign-in must ask for offline_access');
  return {
    refreshToken,
    grantedScopes: (stringField(tokens, 'scope') ?? '').split(' ').filter(Boolean),
    account: await whoAmI(o, accessToken),
  };
}

/** GET /me with the new token. */
async function whoAmI(o: DeviceSignInOptions, accessToken: string): Promise<MicrosoftAccount> {
  const api = new GraphApi({
    tokens: {
      accessToken: async () => accessToken,
      refreshedAccessToken: async () => {
        throw new UnauthorisedError('Microsoft refused the token it had just issued; run `backup auth onedrive` again');
      },
    },
    clock: o.clock,
    ...(o.graphUrl === undefined ? {} : { baseUrl: o.graphUrl }),
    ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
  });
  const me = (await api.send({ what: 'read the signed-in account', method: 'GET', path: 'me', query: { $select: 'id,userPrincipalName,displayName' } })).json;
  const id = stringField(me, 'id');
  const userPrincipalName = stringField(me, 'userPrincipalName');
  if (!id || !userPrincipalName) throw new UsageError('Microsoft did not say which account signed in');
  return { id, userPrincipalName, displayName: stringField(me, 'displayName') ?? userPrincipalName };
}

function expired(): UsageError {
  return new UsageError('the sign-in code expired before the sign-in was finished; run `backup auth onedrive` again');
}

/** Turns an identity-platform error into the line the person reads. */
function explain(error: unknown): never {
  const verdict = judge(error);
  throw verdict.retry ? error : verdict.error;
}
