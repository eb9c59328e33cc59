import { auth } from '@googleapis/drive';
import { UnauthorisedError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/secrets.js';
import { saveCredentials, type GoogleCredentials } from './credentials.js';
import type { GoogleDriveSettings } from './settings.js';

export type OAuthClient = InstanceType<typeof auth.OAuth2>;

export function createOAuthClient(settings: GoogleDriveSettings, client: { clientId: string; clientSecret: string }, redirectUri?: string): OAuthClient {
  return new auth.OAuth2({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri,
    endpoints: { oauth2TokenUrl: settings.tokenUrl, oauth2RevokeUrl: settings.revokeUrl, oauth2AuthBaseUrl: settings.authUrl },
  });
}

/**
 * A client signed in with a refresh token. Google may hand out a new refresh token on refresh; when it does and the
 * token came from our file, the new one is saved at once, or the next run would sign in with a dead one.
 */
export function signedInClient(settings: GoogleDriveSettings, dataDir: string, credentials: GoogleCredentials): OAuthClient {
  const client = createOAuthClient(settings, credentials);
  client.setCredentials({ refresh_token: credentials.refreshToken });
  client.on('tokens', (tokens) => {
    registerSecret(tokens.access_token);
    if (tokens.refresh_token && tokens.refresh_token !== credentials.refreshToken) {
      registerSecret(tokens.refresh_token);
      if (credentials.source === 'file') saveCredentials(dataDir, { ...credentials, refreshToken: tokens.refresh_token });
      credentials.refreshToken = tokens.refresh_token;
    }
  });
  return client;
}

/** invalid_grant: the refresh token is dead. Says why that usually happens and what to do. */
export function invalidGrant(description: string): UnauthorisedError {
  return new UnauthorisedError(
    `Google refused the saved sign-in (invalid_grant${description ? `: ${description}` : ''}). Likely causes: the OAuth consent screen ` +
      'is still in "Testing", whose sign-ins expire after 7 days (publish the app), or access was removed in the Google account ' +
      '(Security → Third-party access). Run `backup auth google` to sign in again',
  );
}
