// `backup verify`: the ledger against what each destination really holds. Reads only: nothing is stored, renamed,
// recorded or removed, whatever it finds (`--repair` acts on the findings, see repair.ts).
import type { Destination, ListedFile } from '../destinations/destination.js';
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

/** A finding about a recorded copy, with what repair needs to mend it. */
export interface CopyFinding extends Finding {
  row: DocumentRow;
  /** The damaged file found (wrong size or checksum); null when the copy is missing. */
  found: ListedFile | null;
}

export interface DestinationVerdict {
  destination: string;
  /** Files the ledger records as stored there. */
  recorded: number;
  /** Recorded, present, and of the recorded size and checksum. */
  confirmed: number;
  missing: CopyFinding[];
  /** Present, but not the bytes recorded: of another size, or the same size and another checksum. */
  damaged: CopyFinding[];
  /** In a folder the ledger writes to, but not in the ledger. */
  unexpected: Finding[];
  /**
   * Present, and reserved in the ledger but never recorded as stored: a run was killed between the upload and its
   * ledger commit. The next run that covers the document records it; an orders CSV (a snapshot of one moment,
   * superseded by the next run's) stays as it is, complete. Not a disagreement.
   */
  unconfirmed: Finding[];
  /** Damaged copies a repair left in place and stored a fresh copy beside. Not a disagreement. */
  setAside: Finding[];
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
  const setAside = ledger.setAsideRows(destination.id);
  const verdict: DestinationVerdict = {
    destination: destination.id,
    recorded: rows.filter((r) => r.status === 'stored').length,
    confirmed: 0,
    missing: [],
    damaged: [],
    unexpected: [],
    unconfirmed: [],
    setAside: [],
    error: null,
    agrees: false,
  };
  const folders = new Set([...rows.map((r) => r.folder), ...setAside.map((s) => s.folder)]);

  try {
    for (const folder of folders) {
      const listed = (await destination.list(folder.split('/'), { checksums: true })).files;
      const at = (name: string) => `${folder}/${name}`;
      // Names can repeat at a destination that allows it (Drive): each listed file answers for one row at most,
      // the one at its recorded location first.
      const take = (row: { name: string; location: string | null }): ListedFile | null => {
        const index = listed.findIndex((f) => f.name === row.name && f.location === row.location);
        const i = index >= 0 ? index : listed.findIndex((f) => f.name === row.name);
        return i >= 0 ? listed.splice(i, 1)[0]! : null;
      };

      for (const row of rows.filter((r) => r.folder === folder && r.status === 'stored')) {
        const found = take(row);
        const finding = { path: at(row.name), ledgerSize: row.size, actualSize: found?.size ?? null, row, found };
        if (!found) verdict.missing.push(finding);
        else if (!sameBytes(row, found)) verdict.damaged.push(finding);
        else verdict.confirmed++;
      }
      for (const row of rows.filter((r) => r.folder === folder && r.status === 'pending')) {
        const found = take(row);
        if (found) verdict.unconfirmed.push({ path: at(row.name), ledgerSize: null, actualSize: found.size });
      }
      for (const aside of setAside.filter((s) => s.folder === folder)) {
        const found = take(aside);
        if (found) verdict.setAside.push({ path: at(aside.name), ledgerSize: null, actualSize: found.size });
      }
      for (const file of listed) verdict.unexpected.push({ path: at(file.name), ledgerSize: null, actualSize: file.size });
    }
  } catch (error) {
    verdict.error = errorMessage(error);
  }
  verdict.agrees = verdict.error === null && verdict.missing.length + verdict.damaged.length + verdict.unexpected.length === 0;
  return verdict;
}

/** The recorded size, and the recorded checksum where both sides have one of the same kind. */
function sameBytes(row: DocumentRow, found: ListedFile): boolean {
  if (row.size !== null && found.size !== row.size) return false;
  const recorded = row.checksum ?? (row.sha256 ? `sha256:${row.sha256}` : null);
  if (!recorded || !found.checksum || recorded.split(':')[0] !== found.checksum.split(':')[0]) return true;
  return recorded === found.checksum;
}
