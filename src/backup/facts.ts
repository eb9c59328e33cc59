// The backup's own records, stored at each destination beside the documents, so that a new installation finds
// them there: the first-run cutoff. Each is a small JSON file in `<root>/.baselinker-backup/`, stored and recorded
// like a document (exactly once, never replaced); a cutoff moved earlier by a backfill is a new file.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { FileIdentity } from '../destinations/destination.js';
import { STATE_FOLDER } from '../destinations/inventory.js';
import type { DocumentVersion } from './store.js';

export { STATE_FOLDER };
const CUTOFF = 'cutoff-';

export function stateFolder(rootFolder: string): string[] {
  return [rootFolder, STATE_FOLDER];
}

/** The cutoff as a stored record: its own version per value, so an earlier cutoff never replaces a later one. */
export function cutoffFact(c: { rootFolder: string; timeZone: string; account: { id: string } }, cutoff: number): { doc: DocumentVersion; body: Uint8Array } {
  const day = cutoff <= 0 ? 'all' : format(new TZDate(cutoff * 1000, c.timeZone), 'yyyy-MM-dd');
  const doc: DocumentVersion = {
    kind: 'fact',
    sourceId: `${CUTOFF}${cutoff}`,
    hash: String(cutoff),
    number: `cutoff-${c.account.id}-${day}`,
    issuedAt: null,
    folder: stateFolder(c.rootFolder),
    extension: 'json',
    contentType: 'application/json',
  };
  const text = {
    account: c.account.id,
    cutoff,
    from: day,
    note: 'Written by baselinker-backup: invoices and receipts issued from this moment on are backed up here. A new installation reads it to carry on without storing anything twice. Leave it in place.',
  };
  return { doc, body: new Uint8Array(Buffer.from(`${JSON.stringify(text, null, 2)}\n`)) };
}

/** The cutoff a fact file records, or null for any other file. */
export function cutoffOf(identity: FileIdentity | null, account: string): number | null {
  if (!identity || identity.kind !== 'fact' || identity.account !== account || !identity.sourceId.startsWith(CUTOFF)) return null;
  const value = Number(identity.hash);
  return Number.isInteger(value) ? value : null;
}
