// A lost ledger must stop the program, never be replaced by a new empty one: a fresh ledger knows of no stored
// document, so the next run would store every one of them a second time (under "(id …)" names, because the
// first copies hold the plain names). Two simple signals say that a ledger should exist:
//
// 1. A marker file next to it, written when the ledger is created. If the marker is there but the ledger is gone
//    or empty (deleted by hand, a restore that missed it, a truncated copy), the ledger was lost.
// 2. The destination: a destination that already holds files stored by this program (for the local folder,
//    token markers in `.baselinker-backup/tokens`) was written with some ledger. A ledger that has never recorded
//    a run meeting such a destination is not the one that wrote it (a lost data dir, or a second data dir
//    pointed at the same folder).
//
// Either way the error names what to do: restore the data dir, or back up into a new, empty destination.
import fs from 'node:fs';
import path from 'node:path';
import type { Destination } from '../destinations/destination.js';
import { BackupError, ExitCode } from '../lib/errors.js';

export const LEDGER_MARKER = 'ledger.expected';

export class LedgerLostError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.unexpected);
  }
}

/** Throws when the marker says a ledger was created here but the file is missing or empty. */
export function assertLedgerNotLost(dataDir: string, ledgerFile: string): void {
  if (!fs.existsSync(path.join(dataDir, LEDGER_MARKER))) return;
  let size: number;
  try {
    size = fs.statSync(ledgerFile).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return; // unreadable: opening it reports why
    throw new LedgerLostError(
      `the ledger ${ledgerFile} is missing, but a backup was made with it (${LEDGER_MARKER} is there): restore it from a copy; a new one would store every document again`,
    );
  }
  if (size === 0) {
    throw new LedgerLostError(`the ledger ${ledgerFile} is empty, but a backup was made with it (${LEDGER_MARKER} is there): restore it from a copy`);
  }
}

/** Writes the marker once the ledger exists (again if it was lost: the ledger itself is the proof). */
export function markLedgerCreated(dataDir: string, ledgerFile: string): void {
  const marker = path.join(dataDir, LEDGER_MARKER);
  if (fs.existsSync(marker)) return;
  const note = `A backup ledger was created here (${path.basename(ledgerFile)}). If it goes missing, the program stops instead of starting a new one.\n`;
  try {
    fs.writeFileSync(marker, note, { mode: 0o600 });
  } catch {
    // A read-only data dir (`status` still works there); the destination check remains, and the next writable open adds it.
  }
}

/**
 * Throws when a destination this ledger has never stored into already holds our files: they were stored with
 * another ledger (a lost data dir, or a second one pointed at the same folder), and going on would store every
 * document there a second time. Destinations the ledger knows are its own; a new ledger knows none.
 */
export async function assertDestinationsBelongToLedger(known: ReadonlySet<string>, destinations: readonly Destination[], dataDir: string): Promise<void> {
  for (const destination of destinations) {
    if (known.has(destination.id)) continue;
    if (await destination.holdsBackup?.()) {
      throw new LedgerLostError(
        `${destination.id} already holds a backup made with another ledger, and the one in ${dataDir} has no record of it: restore that data dir, or back up into a new, empty destination (starting over here would store every document a second time)`,
      );
    }
  }
}
