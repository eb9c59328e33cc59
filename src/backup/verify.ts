// `backup verify`: the ledger against what each destination really holds. Reads only: nothing is stored, renamed,
// recorded or removed, whatever it finds.
import type { Destination } from '../destinations/destination.js';
import { errorMessage } from '../lib/errors.js';
import type { DocumentRow, Ledger } from '../ledger/ledger.js';

export interface Finding {
  /** folder/name at the destination. */
  path: string;
  /** What the ledger recorded (null for a file it does not know, or one still 'pending'). */
  ledgerSize: number | null;
  /** What the destination holds (null when the file is missing). */
  actualSize: number | null;
}

export interface DestinationVerdict {
  destination: string;
  /** Files the ledger records as stored there. */
  recorded: number;
  /** Recorded, present, and of the recorded size. */
  confirmed: number;
  missing: Finding[];
  wrongSize: Finding[];
  /** In a folder the ledger writes to, but not in the ledger. */
  unexpected: Finding[];
  /**
   * Present, and reserved in the ledger but never recorded as stored: a run was killed between the upload and its
   * ledger commit. The next run that covers the document records it; an orders CSV (a snapshot of one moment,
   * superseded by the next run's) stays as it is, complete. Not a disagreement.
   */
  unconfirmed: Finding[];
  /** The destination could not be listed. */
  error: string | null;
  agrees: boolean;
}

export interface VerifyReport {
  destinations: DestinationVerdict[];
  agree: boolean;
}

export async function verifyDestinations(ledger: Ledger, destinations: readonly Destination[]): Promise<VerifyReport> {
  const verdicts: DestinationVerdict[] = [];
  for (const destination of destinations) verdicts.push(await verifyOne(ledger, destination));
  return { destinations: verdicts, agree: verdicts.every((v) => v.agrees) };
}

async function verifyOne(ledger: Ledger, destination: Destination): Promise<DestinationVerdict> {
  const rows = ledger.documents(destination.id);
  const verdict: DestinationVerdict = {
    destination: destination.id,
    recorded: rows.filter((r) => r.status === 'stored').length,
    confirmed: 0,
    missing: [],
    wrongSize: [],
    unexpected: [],
    unconfirmed: [],
    error: null,
    agrees: false,
  };
  const byFolder = new Map<string, DocumentRow[]>();
  for (const row of rows) byFolder.set(row.folder, [...(byFolder.get(row.folder) ?? []), row]);

  try {
    for (const [folder, folderRows] of byFolder) {
      // Names can repeat at a destination that allows it (Drive): each listed file answers for one row at most.
      const listed = new Map<string, number[]>();
      for (const file of await destination.list(folder.split('/'))) listed.set(file.name, [...(listed.get(file.name) ?? []), file.size]);
      const take = (name: string): number | null => listed.get(name)?.shift() ?? null;
      const at = (name: string) => `${folder}/${name}`;

      for (const row of folderRows.filter((r) => r.status === 'stored')) {
        const size = take(row.name);
        if (size === null) verdict.missing.push({ path: at(row.name), ledgerSize: row.size, actualSize: null });
        else if (row.size !== null && size !== row.size) verdict.wrongSize.push({ path: at(row.name), ledgerSize: row.size, actualSize: size });
        else verdict.confirmed++;
      }
      for (const row of folderRows.filter((r) => r.status === 'pending')) {
        const size = take(row.name);
        if (size !== null) verdict.unconfirmed.push({ path: at(row.name), ledgerSize: null, actualSize: size });
      }
      for (const [name, sizes] of listed) {
        for (const size of sizes) verdict.unexpected.push({ path: at(name), ledgerSize: null, actualSize: size });
      }
    }
  } catch (error) {
    verdict.error = errorMessage(error);
  }
  verdict.agrees = verdict.error === null && verdict.missing.length + verdict.wrongSize.length + verdict.unexpected.length === 0;
  return verdict;
}
