// The Microsoft sign-in this installation uses: the one `backup auth onedrive` saved in the data dir, or a refresh
// token from the environment (ONEDRIVE_REFRESH_TOKEN). Saved with the app (client id), the tenant and the scopes
// it was granted for, because a refresh token only works for the app and tenant that got it, and asking it for a
// scope it was not granted fails.
import path from 'node:path';
import { UnauthorisedError, UsageError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/secrets.js';
import { forgetSignIn, hasSignIn, readSignIn, saveSignIn } from '../savedSignIn.js';
import type { OneDriveSettings } from './settings.js';
import { APP_FOLDER_SCOPES, FULL_DRIVE_SCOPES } from './signIn.js';

export const CREDENTIALS_FILE = 'onedrive-credentials.json';
const AUTH = 'backup auth onedrive';

export interface OneDriveCredentials {
  clientId: string;
  tenant: string;
  refreshToken: string;
  /** What the refresh asks for: the scopes of the sign-in. */
  scopes: string[];
  /** Who signed in, as Microsoft named them (for messages). */
  account: string | null;
  source: 'file' | 'environment';
}

/** The scopes a destination needs: the app's own folder (no target), or the whole drive (a folder path). */
function scopesFor(target: string | null): readonly string[] {
  return target === null ? APP_FOLDER_SCOPES : FULL_DRIVE_SCOPES;
}

/** The app registration, without a user's sign-in: what `backup auth onedrive` starts from. */
export function clientIdOf(settings: OneDriveSettings): string {
  if (!settings.clientId) throw new UsageError('ONEDRIVE_CLIENT_ID is not set (register an app in Microsoft Entra: see the README, "OneDrive")');
  return settings.clientId;
}

/**
 * The sign-in for a destination: the environment's refresh token if one is set (asking for the scopes the target
 * needs), else the saved one, which must have been granted what the target needs.
 */
export function loadCredentials(settings: OneDriveSettings, dataDir: string, target: string | null): OneDriveCredentials {
  if (settings.refreshToken) {
    registerSecret(settings.refreshToken);
    return { clientId: clientIdOf(settings), tenant: settings.tenant, refreshToken: settings.refreshToken, scopes: [...scopesFor(target)], account: null, source: 'environment' };
  }
  const saved = readSaved(dataDir);
  if (!saved) throw new UnauthorisedError(`not signed in to OneDrive: run \`${AUTH}\` (or set ONEDRIVE_CLIENT_ID and ONEDRIVE_REFRESH_TOKEN)`);
  if (target !== null && !reachesWholeDrive(saved.scopes)) {
    throw new UnauthorisedError(
      `the saved OneDrive sign-in may write only to the app's own folder, and onedrive:${target} needs the whole drive (Files.ReadWrite): run \`${AUTH}\` again with it configured`,
    );
  }
  return { ...saved, source: 'file' };
}

/** Written whole and owner-readable only (0600). */
export function saveCredentials(dataDir: string, c: Omit<OneDriveCredentials, 'source'>): void {
  registerSecret(c.refreshToken);
  saveSignIn(dataDir, CREDENTIALS_FILE, { clientId: c.clientId, tenant: c.tenant, scopes: c.scopes, account: c.account, refreshToken: c.refreshToken });
}

export function hasSavedCredentials(dataDir: string): boolean {
  return hasSignIn(dataDir, CREDENTIALS_FILE);
}

export function forgetCredentials(dataDir: string): boolean {
  return forgetSignIn(dataDir, CREDENTIALS_FILE);
}

/** Files.ReadWrite (or .All) among the scopes, as Microsoft may write them ("https://graph.microsoft.com/…"). */
function reachesWholeDrive(scopes: readonly string[]): boolean {
  return scopes.some((s) => /^(https:\/\/graph\.microsoft\.com\/)?files\.readwrite(\.all)?$/i.test(s));
}

function readSaved(dataDir: string): Omit<OneDriveCredentials, 'source'> | null {
  const p = readSignIn(dataDir, CREDENTIALS_FILE, AUTH);
  if (!p) return null;
  const scopes = Array.isArray(p.scopes) ? p.scopes.filter((s): s is string => typeof s === 'string') : [];
  if (typeof p.clientId !== 'string' || typeof p.tenant !== 'string' || typeof p.refreshToken !== 'string' || scopes.length === 0) {
    throw new UsageError(`${path.join(dataDir, CREDENTIALS_FILE)} is incomplete; run \`${AUTH}\` again`);
  }
  registerSecret(p.refreshToken);
  return { clientId: p.clientId, tenant: p.tenant, refreshToken: p.refreshToken, scopes, account: typeof p.account === 'string' ? p.account : null };
}
