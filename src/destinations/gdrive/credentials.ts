import path from 'node:path';
import { UnauthorisedError, UsageError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/secrets.js';
import { forgetSignIn, hasSignIn, readSignIn, saveSignIn } from '../savedSignIn.js';
import type { GoogleDriveSettings } from './settings.js';

export const CREDENTIALS_FILE = 'google-credentials.json';
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file';

export interface GoogleCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Where they came from: the data dir (after `backup auth google`) or the environment. */
  source: 'file' | 'environment';
}

/** The OAuth client (the app), without a user's sign-in: what `backup auth google` starts from. */
export function oauthClientSettings(settings: GoogleDriveSettings, dataDir: string): { clientId: string; clientSecret: string } {
  const saved = readSaved(dataDir);
  const clientId = settings.clientId ?? saved?.clientId;
  const clientSecret = settings.clientSecret ?? saved?.clientSecret;
  if (!clientId || !clientSecret) {
    throw new UsageError('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set (create a "Desktop app" OAuth client: see the README, "Google Drive")');
  }
  return { clientId, clientSecret };
}

/** A signed-in user: the environment's refresh token if one is set, else the one `backup auth google` saved. */
export function loadCredentials(settings: GoogleDriveSettings, dataDir: string): GoogleCredentials {
  if (settings.refreshToken) {
    const { clientId, clientSecret } = oauthClientSettings(settings, dataDir);
    return { clientId, clientSecret, refreshToken: settings.refreshToken, source: 'environment' };
  }
  const saved = readSaved(dataDir);
  if (!saved) {
    throw new UnauthorisedError('not signed in to Google Drive: run `backup auth google` (or set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REFRESH_TOKEN)');
  }
  return { ...saved, clientId: settings.clientId ?? saved.clientId, clientSecret: settings.clientSecret ?? saved.clientSecret, source: 'file' };
}

/** Written whole and owner-readable only (0600), so a crash never leaves half a token and nobody else reads it. */
export function saveCredentials(dataDir: string, c: Omit<GoogleCredentials, 'source'>): void {
  saveSignIn(dataDir, CREDENTIALS_FILE, { clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
  registerSecret(c.refreshToken);
}

/** Whether a sign-in is saved in the data dir. */
export function hasSavedCredentials(dataDir: string): boolean {
  return hasSignIn(dataDir, CREDENTIALS_FILE);
}

/** Forgets the sign-in (`backup revoke`). */
export function forgetCredentials(dataDir: string): boolean {
  return forgetSignIn(dataDir, CREDENTIALS_FILE);
}

function readSaved(dataDir: string): Omit<GoogleCredentials, 'source'> | null {
  const parsed = readSignIn(dataDir, CREDENTIALS_FILE, 'backup auth google');
  if (!parsed) return null;
  if (typeof parsed.clientId !== 'string' || typeof parsed.clientSecret !== 'string' || typeof parsed.refreshToken !== 'string') {
    throw new UsageError(`${path.join(dataDir, CREDENTIALS_FILE)} is incomplete; run \`backup auth google\` again`);
  }
  registerSecret(parsed.clientSecret);
  registerSecret(parsed.refreshToken);
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret, refreshToken: parsed.refreshToken };
}
