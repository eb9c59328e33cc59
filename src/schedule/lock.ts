import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LockedError } from '../lib/errors.js';
import { makeFolders } from '../lib/folders.js';
import { isoInZone } from '../lib/zonedTime.js';

export interface RunLock {
  release(): void;
}

interface Holder {
  pid: number;
  since: string;
  host?: string;
}

const LOCK_DB = 'run.lock';
const HOLDER_FILE = 'run.lock.json';

/**
 * One run at a time per data dir. The lock is an exclusive SQLite transaction on a lock file: the operating system
 * drops it the instant its process dies, so a killed run never leaves a lock that has to be guessed stale; the
 * holder file that names the pid is only for the message, and a leftover one is simply overwritten.
 */
export function acquireRunLock(dataDir: string, timeZone: string, now = new Date()): RunLock {
  makeFolders(dataDir, 0o700);
  const db = new Database(path.join(dataDir, LOCK_DB), { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new LockedError(`another backup is running (${describeHolder(dataDir, timeZone)})`);
    }
    throw error;
  }
  const holder: Holder = { pid: process.pid, since: now.toISOString() };
  fs.writeFileSync(path.join(dataDir, HOLDER_FILE), JSON.stringify(holder), { mode: 0o600 });
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/** Who holds the lock and since when, in the account's zone (the holder file keeps the instant in UTC). */
function describeHolder(dataDir: string, timeZone: string): string {
  // The winner writes the holder file just after taking the lock, so a run that lost the race by a moment can find
  // no file yet, or the one a killed run left (naming a dead pid): then it looks once more, shortly after.
  let holder = readHolder(dataDir);
  if (!holder || !isAlive(holder.pid)) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    holder = readHolder(dataDir);
  }
  if (!holder) return 'pid unknown';
  const since = Date.parse(holder.since);
  return `pid ${holder.pid}, since ${Number.isNaN(since) ? holder.since : isoInZone(since, timeZone)}`;
}

function readHolder(dataDir: string): Holder | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, HOLDER_FILE), 'utf8')) as Holder;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
