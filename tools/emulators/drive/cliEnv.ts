// What the CLI needs to reach this emulator as its Google Drive, signed in headlessly (the documented variables).
import type { DriveEmulator } from './server.js';

export function driveCliEnv(drive: DriveEmulator): Record<string, string> {
  return {
    GOOGLE_CLIENT_ID: drive.clientId,
    GOOGLE_CLIENT_SECRET: drive.clientSecret,
    GOOGLE_REFRESH_TOKEN: drive.issueRefreshToken(),
    GOOGLE_API_ROOT_URL: drive.rootUrl,
    GOOGLE_OAUTH_TOKEN_URL: drive.tokenUrl,
    GOOGLE_OAUTH_REVOKE_URL: drive.revokeUrl,
    GOOGLE_OAUTH_AUTH_URL: drive.authUrl,
  };
}
