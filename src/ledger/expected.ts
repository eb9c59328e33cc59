// The ledger is a cache of what the destinations hold (each stored file carries its identity there), so a lost one
// is rebuilt from them, not a reason to stop. It is still never replaced silently: a marker file beside it, written
// when it is created, tells a lost ledger (the marker without it, or with an empty one) from a first run, and the
// run says that it rebuilds it.
import fs from 'node:fs';
import path from 'node:path';

export const LEDGER_MARKER = 'ledger.expected';

/** Whether the marker says a ledger was created here but the file is missing or empty. */
export function ledgerWasLost(dataDir: string, ledgerFile: string): boolean {
  if (!fs.existsSync(path.join(dataDir, LEDGER_MARKER))) return false;
  try {
    return fs.statSync(ledgerFile).size === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Writes the marker once the ledger exists. */
export function markLedgerCreated(dataDir: string, ledgerFile: string): void {
  const marker = path.join(dataDir, LEDGER_MARKER);
  if (fs.existsSync(marker)) return;
  const note = `A backup ledger was created here (${path.basename(ledgerFile)}). If it goes missing, the next run says so and rebuilds it from what the destinations hold.\n`;
  try {
    fs.writeFileSync(marker, note, { mode: 0o600 });
  } catch {
    // A read-only data dir (`status` still works there); the next writable open adds it.
  }
}
