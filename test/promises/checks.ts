// What "exactly once, none partial, nothing deleted, the ledger agrees" means, as checks that return the problems
// they find (so the crash harness can count them in its tally) instead of failing at the first.
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentRow } from '../../src/ledger/ledger.js';

/** What a clean, uninterrupted run stores: every invoice and receipt PDF (name → bytes), the orders and items CSVs. */
export interface Reference {
  documents: Map<string, Buffer>;
  ordersCsv: Buffer;
  itemsCsv: Buffer;
}

/** A snapshot of the orders step, named after the moment of its download: the orders CSV or its order-items CSV. */
export const isOrdersCsv = (file: string) => /(^|\/)Orders\/(orders|order-items)_[^/]+\.csv$/.test(file);
const isItemsCsv = (file: string) => /(^|\/)Orders\/order-items_[^/]+\.csv$/.test(file);
/** The backup's own record of its cutoff, kept beside the documents so a new installation finds it. */
export const isBackupRecord = (file: string) => /(^|\/)\.baselinker-backup\/[^/]+\.json$/.test(file);

export function referenceFrom(files: Map<string, Buffer>): Reference {
  const csvs = [...files].filter(([f]) => isOrdersCsv(f));
  const items = csvs.filter(([f]) => isItemsCsv(f));
  if (csvs.length !== 2 || items.length !== 1) throw new Error(`a clean run should store one orders CSV and one order-items CSV, not ${csvs.map(([f]) => f).join(', ')}`);
  return {
    documents: new Map([...files].filter(([f]) => !isOrdersCsv(f))),
    ordersCsv: csvs.find(([f]) => !isItemsCsv(f))![1],
    itemsCsv: items[0]![1],
  };
}

/** A file under its final name that is not whole: a PDF cut short, a CSV with fewer rows. */
export function partialFiles(files: Map<string, Buffer>, reference: Reference): string[] {
  const problems: string[] = [];
  for (const [file, bytes] of files) {
    if (isOrdersCsv(file)) {
      // The shop does not change during a trial, so every snapshot of it is the same whole CSV.
      const whole = isItemsCsv(file) ? reference.itemsCsv : reference.ordersCsv;
      if (!bytes.equals(whole)) problems.push(`${file}: ${bytes.length} bytes, not the whole CSV (${whole.length})`);
    } else if (file.endsWith('.pdf')) {
      const text = bytes.toString('latin1');
      if (!text.startsWith('%PDF-') || !text.trimEnd().endsWith('%%EOF')) problems.push(`${file}: not a whole PDF (${bytes.length} bytes)`);
    } else if (isBackupRecord(file)) {
      if (!isWholeJson(bytes)) problems.push(`${file}: not a whole JSON record (${bytes.length} bytes)`);
    } else {
      problems.push(`${file}: neither a PDF, an orders CSV nor a backup record`);
    }
  }
  return problems;
}

function isWholeJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Files seen earlier that are gone or whose bytes changed. */
export function deletedOrChanged(before: Map<string, Buffer>, after: Map<string, Buffer>): string[] {
  const problems: string[] = [];
  for (const [file, bytes] of before) {
    const now = after.get(file);
    if (!now) problems.push(`${file}: deleted`);
    else if (!now.equals(bytes)) problems.push(`${file}: changed`);
  }
  return problems;
}

/** After a completed run: documents stored more than once, and documents not stored at all. */
export function duplicatesAndLost(files: Map<string, Buffer>, rows: readonly DocumentRow[], reference: Reference): { duplicates: string[]; lost: string[] } {
  const duplicates: string[] = [];
  const lost: string[] = [];
  for (const [file, bytes] of reference.documents) {
    const stored = files.get(file);
    if (!stored) lost.push(`${file}: not stored`);
    else if (!stored.equals(bytes)) lost.push(`${file}: stored with other bytes than a clean run's`);
  }
  for (const file of files.keys()) if (!isOrdersCsv(file) && !reference.documents.has(file)) duplicates.push(`${file}: a second copy`);
  const copies = new Map<string, number>();
  for (const r of rows) if (r.kind !== 'orders') copies.set(`${r.kind} ${r.source_id}`, (copies.get(`${r.kind} ${r.source_id}`) ?? 0) + 1);
  for (const [doc, n] of copies) if (n > 1) duplicates.push(`${doc}: ${n} ledger rows`);
  return { duplicates, lost };
}

export interface LedgerComparison {
  problems: string[];
  /** Files the ledger holds as 'pending': a kill between an upload and its commit. */
  unconfirmed: string[];
}

/**
 * Every 'stored' row's file is there with its size; every file is known to the ledger. A file whose row is still
 * 'pending' is a kill between its upload and its commit: fine after a kill, and after a completed run only for an
 * orders CSV (a snapshot of a killed run that the next run supersedes instead of resuming).
 */
export function compareWithLedger(files: Map<string, Buffer>, rows: readonly DocumentRow[], o: { completed: boolean }): LedgerComparison {
  const problems: string[] = [];
  const unconfirmed: string[] = [];
  const rowsByPath = new Map(rows.map((r) => [`${r.folder}/${r.name}`, r]));
  for (const r of rows) {
    const file = files.get(`${r.folder}/${r.name}`);
    if (r.status === 'stored') {
      if (!file) problems.push(`${r.folder}/${r.name}: stored in the ledger, missing at the destination`);
      else if (file.length !== r.size) problems.push(`${r.folder}/${r.name}: ${file.length} bytes, the ledger says ${r.size}`);
    } else if (o.completed && r.kind !== 'orders') {
      problems.push(`${r.kind} ${r.number}: still pending after a completed run`);
    }
  }
  for (const file of files.keys()) {
    const row = rowsByPath.get(file);
    if (!row) problems.push(`${file}: at the destination, unknown to the ledger`);
    else if (row.status === 'pending') {
      unconfirmed.push(file);
      if (o.completed && !isOrdersCsv(file)) problems.push(`${file}: at the destination, still pending after a completed run`);
    }
  }
  return { problems, unconfirmed };
}

/** Every file under a folder, hidden ones included, with its bytes. */
export function everyFile(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.set(full, fs.readFileSync(full));
    }
  };
  walk(root);
  return out;
}

/**
 * Names of files that hold credentials (the Google Drive sign-in, google-credentials.json, is one): each must be readable
 * by its owner only. Any test that leaves such files in a data dir can call this.
 */
export const CREDENTIAL_NAME = /credential|secret|token|oauth|\.key$|\.pem$/i;
export function credentialFilesNotPrivate(dataDir: string): string[] {
  return [...everyFile(dataDir).keys()].filter((f) => CREDENTIAL_NAME.test(path.basename(f)) && (fs.statSync(f).mode & 0o077) !== 0);
}
