import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UnauthorisedError, UsageError } from '../../lib/errors.js';
import { makeFolders } from '../../lib/folders.js';
import { registerSecret } from '../../lib/secrets.js';
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
  makeFolders(dataDir, 0o700);
  const file = path.join(dataDir, CREDENTIALS_FILE);
  const tmp = path.join(dataDir, `.${CREDENTIALS_FILE}.${randomUUID()}`);
  const body = JSON.stringify({ clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken, savedAt: new Date().toISOString() }, null, 2);
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
  registerSecret(c.refreshToken);
}

/** Whether a sign-in is saved in the data dir. */
export function hasSavedCredentials(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, CREDENTIALS_FILE));
}

/** Forgets the sign-in (`backup revoke`). The file holds only our credential, never a document. */
export function forgetCredentials(dataDir: string): boolean {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  if (!fs.existsSync(file)) return false;
  fs.rmSync(file);
  return true;
}

function readSaved(dataDir: string): Omit<GoogleCredentials, 'source'> | null {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: Partial<Record<'clientId' | 'clientSecret' | 'refreshToken', unknown>>;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new UsageError(`${file} is damaged; run \`backup auth google\` again`);
  }
  if (typeof parsed.clientId !== 'string' || typeof parsed.clientSecret !== 'string' || typeof parsed.refreshToken !== 'string') {
    throw new UsageError(`${file} is incomplete; run \`backup auth google\` again`);
  }
  registerSecret(parsed.clientSecret);
  registerSecret(parsed.refreshToken);
  return { clientId: parsed.clientId, clientSecret: parsed.clientSecret, refreshToken: parsed.refreshToken };
}
