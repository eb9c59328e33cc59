// A sign-in saved in the installation's data dir (`backup auth <provider>`): one small JSON file per provider,
// written whole and readable by its owner only, so a crash never leaves half a token and nobody else reads it.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../lib/errors.js';

/** Writes `record` to dataDir/file atomically (a temp file renamed over it), mode 0600. */
export function saveSignIn(dataDir: string, file: string, record: Record<string, unknown>): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const target = path.join(dataDir, file);
  const tmp = path.join(dataDir, `.${file}.${randomUUID()}`);
  fs.writeFileSync(tmp, JSON.stringify({ ...record, savedAt: new Date().toISOString() }, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, target);
  fs.chmodSync(target, 0o600);
}

/** The saved record, or null when there is none; a damaged file is a usage error naming the command that remakes it. */
export function readSignIn(dataDir: string, file: string, command: string): Record<string, unknown> | null {
  const target = path.join(dataDir, file);
  let text: string;
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Said below, with what to do.
  }
  throw new UsageError(`${target} is damaged; run \`${command}\` again`);
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
