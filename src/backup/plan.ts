// What storing one document means at one destination, decided against the ledger alone (changesets' lesson: one
// pure plan, two executors). The real run reserves what the plan says and uploads; the dry run reserves the same in
// a scratch copy of the ledger and records it. Reserving is what makes the next document's plan see this one's
// name, so both runs choose the same names, collisions and versions included.
import type { DocumentRow, Ledger } from '../ledger/ledger.js';
import { folderKey } from './naming.js';
import { freeNames, type DocumentVersion } from './store.js';

export type Step =
  /** Nothing to do: this version is recorded as stored there. */
  | { action: 'skip' }
  /** Reserved by an earlier run that did not finish: upload under that reservation. */
  | { action: 'resume'; row: DocumentRow }
  /** New: store as this version under this name. */
  | { action: 'store'; version: number; name: string };

export function planStep(ledger: Ledger, destinationId: string, doc: DocumentVersion): Step {
  const row = ledger.findByHash(destinationId, doc.kind, doc.sourceId, doc.hash);
  if (row?.status === 'stored') return { action: 'skip' };
  if (row) return { action: 'resume', row };
  const version = ledger.latestVersion(destinationId, doc.kind, doc.sourceId) + 1;
  const name = freeNames(ledger, destinationId, doc, version)[0];
  if (!name) throw new Error(`no free file name for ${doc.kind} ${doc.number} in ${folderKey(doc.folder)}`);
  return { action: 'store', version, name };
}

/**
 * Carries out the plan's reservation: the row the upload goes under. Synchronous on purpose: between choosing a
 * free name and reserving it nothing may wait, or a document delivered concurrently could choose the same name.
 */
export function reserveStep(ledger: Ledger, destinationId: string, doc: DocumentVersion, token: string, runId: number): DocumentRow | null {
  const step = planStep(ledger, destinationId, doc);
  if (step.action === 'skip') return null;
  if (step.action === 'resume') return step.row;
  return ledger.reserve({
    destination: destinationId,
    kind: doc.kind,
    source_id: doc.sourceId,
    version: step.version,
    source_hash: doc.hash,
    number: doc.number,
    folder: folderKey(doc.folder),
    name: step.name,
    token,
    issued_at: doc.issuedAt,
    run_id: runId,
  });
}
