// Whose Dropbox: the app key, and a refresh token from the environment or the one `backup auth dropbox` saved in the
// data dir (owner-only, savedSignIn.ts), with the account it belongs to.
import { UnauthorisedError, UsageError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/secrets.js';
import { hasSignIn, readSignIn, saveSignIn } from '../savedSignIn.js';
import type { DropboxSettings } from './settings.js';
import type { DropboxAccount } from './wire.js';

export const CREDENTIALS_FILE = 'dropbox-credentials.json';
const COMMAND = 'backup auth dropbox';

export interface DropboxCredentials {
  appKey: string;
  appSecret: string | null;
  refreshToken: string;
  /** Where the refresh token came from: the data dir (after `backup auth dropbox`) or the environment. */
  source: 'file' | 'environment';
}

/** The app, without a user's sign-in: what `backup auth dropbox` starts from. */
export function appKeyOf(settings: DropboxSettings, dataDir: string): string {
  const appKey = settings.appKey ?? saved(dataDir)?.appKey;
  if (!appKey) throw new UsageError('DROPBOX_APP_KEY is not set (create an app in the Dropbox App Console: see the README, "Dropbox")');
  return appKey;
}

/** A signed-in user: the environment's refresh token if one is set, else the one `backup auth dropbox` saved. */
export function loadCredentials(settings: DropboxSettings, dataDir: string): DropboxCredentials {
  const appKey = appKeyOf(settings, dataDir);
  if (settings.refreshToken) return { appKey, appSecret: settings.appSecret, refreshToken: settings.refreshToken, source: 'environment' };
  const found = saved(dataDir);
  if (!found) throw new UnauthorisedError(`not signed in to Dropbox: run \`${COMMAND}\` (or set DROPBOX_APP_KEY and DROPBOX_REFRESH_TOKEN)`);
  return { appKey, appSecret: settings.appSecret, refreshToken: found.refreshToken, source: 'file' };
}

export function saveCredentials(dataDir: string, c: { appKey: string; refreshToken: string; account: DropboxAccount }): void {
  saveSignIn(dataDir, CREDENTIALS_FILE, { appKey: c.appKey, refreshToken: c.refreshToken, accountId: c.account.accountId, email: c.account.email });
  registerSecret(c.refreshToken);
}

export function hasSavedCredentials(dataDir: string): boolean {
  return hasSignIn(dataDir, CREDENTIALS_FILE);
}

function saved(dataDir: string): { appKey: string; refreshToken: string } | null {
  const fields = readSignIn(dataDir, CREDENTIALS_FILE, COMMAND);
  if (!fields) return null;
  if (typeof fields['appKey'] !== 'string' || typeof fields['refreshToken'] !== 'string') throw new UsageError(`${CREDENTIALS_FILE} in ${dataDir} is incomplete; run \`${COMMAND}\` again`);
  registerSecret(fields['refreshToken']);
  return { appKey: fields['appKey'], refreshToken: fields['refreshToken'] };
}
