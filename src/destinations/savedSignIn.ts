// A sign-in saved in the data dir by `backup auth <provider>`: one small JSON file holding a refresh token. Written
// whole and readable by its owner only (0600), so a crash never leaves half a token and nobody else reads it.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, UsageError } from '../lib/errors.js';
import { makeFolders } from '../lib/folders.js';
import type { Logger } from '../lib/logger.js';

export function saveSignIn(dataDir: string, file: string, value: Record<string, unknown>): void {
  makeFolders(dataDir, 0o700);
  const target = path.join(dataDir, file);
  const tmp = path.join(dataDir, `.${file}.${randomUUID()}`);
  fs.writeFileSync(tmp, JSON.stringify({ ...value, savedAt: new Date().toISOString() }, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, target);
  fs.chmodSync(target, 0o600);
}

/** The saved fields, or null when nothing is saved; a damaged file says which command writes it again. */
export function readSignIn(dataDir: string, file: string, command: string): Record<string, unknown> | null {
  const target = path.join(dataDir, file);
  let text: string;
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (typeof parsed !== 'object' || parsed === null) throw new UsageError(`${target} is damaged; run \`${command}\` again`);
  return parsed as Record<string, unknown>;
}

export function hasSignIn(dataDir: string, file: string): boolean {
  return fs.existsSync(path.join(dataDir, file));
}

/** Forgets the sign-in (`backup revoke`). The file holds only our credential, never a document. */
export function forgetSignIn(dataDir: string, file: string): boolean {
  const target = path.join(dataDir, file);
  if (!fs.existsSync(target)) return false;
  fs.rmSync(target);
  return true;
}

/**
 * `backup revoke` for one provider: ends the sign-in there, forgets the saved one, and says what happened. A sign-in
 * already dead at the provider leaves nothing to revoke there; the local state changes all the same.
 */
export async function revokeSignIn(o: {
  /** "Google", "Dropbox". */
  provider: string;
  dataDir: string;
  file: string;
  /** The environment variable holding a refresh token too, when it is set. */
  fromEnvironment: string | null;
  logger: Logger;
  revoke(): Promise<void>;
}): Promise<string> {
  let revoked = false;
  try {
    await o.revoke();
    revoked = true;
  } catch (error) {
    o.logger.warn(`${o.provider} did not revoke a token: ${errorMessage(error)}`);
  }
  const forgotten = forgetSignIn(o.dataDir, o.file);
  return (
    `${revoked ? `Access revoked at ${o.provider}` : `Nothing to revoke at ${o.provider}`}; ${forgotten ? `${o.file} removed` : 'no saved sign-in'}.` +
    (o.fromEnvironment ? ` ${o.fromEnvironment} is set in the environment: remove it too.` : '')
  );
}
