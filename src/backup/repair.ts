// `backup verify --repair`: every recorded copy found missing is stored again under its recorded name, and a fresh
// copy is stored beside every damaged one, which stays where it is (set aside in the ledger). Nothing is deleted
// or overwritten. The bytes are made again from BaseLinker's record, when it is still the version that was stored.
import type { Destination } from '../destinations/destination.js';
import { errorMessage, InterruptedError } from '../lib/errors.js';
import type { DocumentRow } from '../ledger/ledger.js';
import { fetchInvoice, fetchReceiptEntry } from '../sources/baselinker/lists.js';
import { parseInvoice, parseReceiptEntry } from '../sources/baselinker/parse.js';
import { cutoffFact } from './facts.js';
import { externalFile, externalInvoiceDocument, invoiceDocument, invoicePdf } from './invoicesStep.js';
import { receiptDocument, receiptPdf } from './receiptsStep.js';
import type { ProduceContext } from './run.js';
import { putReserved, type DocumentVersion, type StoreContext } from './store.js';
import type { StoredPath } from './tally.js';
import type { CopyFinding, VerifyReport } from './verify.js';

export interface Unrepairable extends StoredPath {
  why: string;
}

export interface RepairReport {
  /** Missing copies stored again under their recorded names. */
  restored: StoredPath[];
  /** Fresh copies stored beside damaged ones. */
  beside: StoredPath[];
  unrepairable: Unrepairable[];
}

/** `stop`: a signal (SIGINT, SIGTERM) lets no further copy start; what was stored is recorded. */
export type RepairContext = ProduceContext & StoreContext & { stop?: AbortSignal };

export async function repairDestinations(c: RepairContext, report: VerifyReport, destinations: readonly Destination[]): Promise<RepairReport> {
  const result: RepairReport = { restored: [], beside: [], unrepairable: [] };
  for (const verdict of report.destinations) {
    const destination = destinations.find((d) => d.id === verdict.destination);
    if (!destination || verdict.error) continue;
    for (const finding of verdict.missing) await mend(c, destination, finding, result);
    for (const finding of verdict.damaged) await mend(c, destination, finding, result);
  }
  return result;
}

async function mend(c: RepairContext, destination: Destination, finding: CopyFinding, result: RepairReport): Promise<void> {
  c.stop?.throwIfAborted();
  const { row, found } = finding;
  const where = { destination: destination.id, path: finding.path };
  let made: { doc: DocumentVersion; body: Uint8Array } | { why: string };
  try {
    made = await makeAgain(c, row);
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    made = { why: `BaseLinker could not give it again: ${errorMessage(error)}` };
  }
  if ('why' in made) {
    result.unrepairable.push({ ...where, why: made.why });
    return;
  }
  if (found) {
    c.ledger.setAside({
      destination: destination.id,
      folder: row.folder,
      name: row.name,
      location: found.location,
      size: found.size,
      documentId: row.id,
      reason: `damaged: ${found.size} bytes${found.checksum ? `, ${found.checksum}` : ''}; the ledger recorded ${row.size ?? '?'} bytes`,
    });
  }
  const name = found ? besideName(c, destination.id, row) : row.name;
  const restaged = c.ledger.restage(row.id, await destination.newToken(), name);
  try {
    await putReserved(c, destination, restaged, made.doc, made.body);
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    result.unrepairable.push({ ...where, why: `could not store it: ${errorMessage(error)}` });
    return;
  }
  (found ? result.beside : result.restored).push({ destination: destination.id, path: `${row.folder}/${c.ledger.row(row.id)!.name}` });
}

/** The bytes of the recorded version, made again; or why they cannot be. */
async function makeAgain(c: RepairContext, row: DocumentRow): Promise<{ doc: DocumentVersion; body: Uint8Array } | { why: string }> {
  const changed = { why: 'BaseLinker has changed it since it was stored: the next run that covers it stores its new version; this one cannot be made again' };
  const gone = { why: 'BaseLinker no longer has it' };
  const placed = (doc: DocumentVersion): DocumentVersion => ({ ...doc, folder: row.folder.split('/'), number: row.number || doc.number });
  switch (row.kind) {
    case 'fact': {
      const fact = cutoffFact(c.config, Number(row.source_hash));
      return fact.doc.hash === row.source_hash ? { doc: placed(fact.doc), body: fact.body } : changed;
    }
    case 'invoices': {
      const raw = await fetchInvoice(c.api, Number(row.source_id));
      if (!raw) return gone;
      const invoice = parseInvoice(raw);
      const own = invoiceDocument(c.config, raw, invoice);
      if (own.hash === row.source_hash) return { doc: placed(own), body: await invoicePdf(c, invoice) };
      const external = externalInvoiceDocument(c.config, raw, invoice);
      if (external.hash !== row.source_hash) return changed;
      const file = await externalFile(c, invoice);
      return { doc: placed({ ...external, ...file.named }), body: file.bytes };
    }
    case 'receipts': {
      const raw = await fetchReceiptEntry(c.api, Number(row.source_id));
      if (!raw) return gone;
      const entry = parseReceiptEntry(raw);
      const doc = receiptDocument(c.config, raw, entry);
      return doc.hash === row.source_hash ? { doc: placed(doc), body: await receiptPdf(c, entry) } : changed;
    }
    default:
      return { why: 'an orders file is a snapshot of its night and cannot be made again; the next run makes a new one' };
  }
}

/** "FV_1_11_2026 (repaired).pdf", or the next free such name: the damaged copy keeps its own. */
function besideName(c: RepairContext, destinationId: string, row: DocumentRow): string {
  const dot = row.name.lastIndexOf('.');
  const [base, extension] = dot > 0 ? [row.name.slice(0, dot), row.name.slice(dot)] : [row.name, ''];
  for (let n = 1; ; n++) {
    const name = `${base} (repaired${n > 1 ? ` ${n}` : ''})${extension}`;
    if (!c.ledger.isNameTaken(destinationId, row.folder, name)) return name;
  }
}
