import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BackupError, ExitCode, errorMessage } from '../lib/errors.js';
import { ledgerWasLost, markLedgerCreated } from './expected.js';
import { MIGRATIONS } from './migrations.js';
import { makeFolders } from '../lib/folders.js';
import { machineAdvice } from '../lib/fsErrors.js';

const adviceFor = (error: unknown) => {
  const advice = machineAdvice(error);
  return advice ? `: ${advice}` : '';
};

export const LEDGER_FILE = 'ledger.sqlite';

/** Whether an error came from the ledger's database (full or read-only disk, damage), not from a destination. */
export function isLedgerFailure(error: unknown): boolean {
  return error instanceof Database.SqliteError;
}

export interface DocumentRow {
  id: number;
  destination: string;
  kind: string;
  source_id: string;
  version: number;
  source_hash: string;
  number: string;
  folder: string;
  name: string;
  token: string;
  status: 'pending' | 'stored';
  location: string | null;
  size: number | null;
  sha256: string | null;
  /** The destination's own checksum of the stored bytes ("sha256:…", "quickxor:…"). */
  checksum: string | null;
  /** 1 once the destination holds this copy's identity. */
  identity_kept: number;
  issued_at: number | null;
  run_id: number | null;
  reserved_at: number;
  stored_at: number | null;
}

export type Reservation = Pick<
  DocumentRow,
  'destination' | 'kind' | 'source_id' | 'version' | 'source_hash' | 'number' | 'folder' | 'name' | 'token' | 'issued_at' | 'run_id'
>;

export interface RunRow {
  id: number;
  started_at: number;
  finished_at: number | null;
  as_of: string;
  kinds: string;
  dry_run: number;
  pid: number;
  outcome: string;
  exit_code: number | null;
  message: string | null;
  stats: string | null;
}

/** What the invoices step last read of an invoice (migration 3). */
export interface InvoiceFacts {
  invoice_id: string;
  order_id: number;
  number: string;
  type: 'normal' | 'correcting';
  external: boolean;
  issued_at: number;
  /** The KSeF number, '' until KSeF accepted the invoice. */
  gov_id: string;
  gov_status: number;
  gov_date: number | null;
}

/** Stored invoices by their KSeF state, for `backup status`. */
export interface KsefCounts {
  /** Stored invoices issued in the period looked at. */
  invoices: number;
  withKsefNumber: number;
  /** Issued before the grace period ended and still without a KSeF number, by BaseLinker's gov_status. */
  missingByStatus: Record<number, number>;
  /** A few of those, oldest first. */
  missingExamples: string[];
}

export class LedgerError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.unexpected);
  }
}

/**
 * The record of what has been stored where: the local cache of what the destinations hold, which spares a run
 * from asking them. A lost one is rebuilt from the destinations (and the run says so); a damaged one stops the
 * program before anything is read or stored.
 */
export class Ledger {
  /** The marker said a ledger existed here, and it was gone or empty: this one starts afresh. */
  wasLost = false;

  private constructor(private readonly db: Database.Database) {}

  static open(dataDir: string, now = Date.now()): Ledger {
    const file = path.join(dataDir, LEDGER_FILE);
    try {
      makeFolders(dataDir, 0o700);
    } catch (error) {
      throw new LedgerError(`cannot create the data dir ${dataDir}: ${errorMessage(error)}${adviceFor(error)}`);
    }
    const lost = ledgerWasLost(dataDir, file);
    const ledger = Ledger.openFile(file, now);
    ledger.wasLost = lost;
    markLedgerCreated(dataDir, file);
    return ledger;
  }

  /** An empty ledger that lives and dies with the process. */
  static openInMemory(now = Date.now()): Ledger {
    return Ledger.openFile(':memory:', now);
  }

  /**
   * A copy of the data dir's ledger (or an empty one) that lives and dies with the process: what a dry run plans
   * and reserves in, exactly as the real run would in the real one, without writing anything.
   */
  static scratchCopy(dataDir: string, now = Date.now()): Ledger {
    const file = path.join(dataDir, LEDGER_FILE);
    if (!fs.existsSync(file) || fs.statSync(file).size === 0) return Ledger.openInMemory(now);
    let image: Buffer;
    try {
      const source = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
      try {
        image = source.serialize();
      } finally {
        source.close();
      }
    } catch (error) {
      throw new LedgerError(`cannot read the ledger ${file}: ${errorMessage(error)}${adviceFor(error)}`);
    }
    // An image of a WAL database says so in its header (bytes 18 and 19), which an in-memory copy cannot honour.
    image[18] = 1;
    image[19] = 1;
    return Ledger.openFile(image, now);
  }

  private static openFile(file: string | Buffer, now: number): Ledger {
    const label = typeof file === 'string' ? file : 'the copy of the ledger';
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // A damaged ledger stops the program before anything is read or stored, not half-way through a run.
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') {
        const first = String(check).split('\n').find((line) => line && !line.startsWith('***'));
        throw new LedgerError(`the ledger ${label} is damaged (${first}): restore it from a copy, or move it away and the next run rebuilds it from what the destinations hold`);
      }
      migrate(db, now);
    } catch (error) {
      if (error instanceof BackupError) throw error;
      throw new LedgerError(`cannot open the ledger ${label}: ${errorMessage(error)}${adviceFor(error)}`);
    }
    return new Ledger(db);
  }

  close(): void {
    this.db.close();
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Any row (pending or stored) holding this exact version of the document at this destination. */
  findByHash(destination: string, kind: string, sourceId: string, hash: string): DocumentRow | undefined {
    return this.db
      .prepare('SELECT * FROM documents WHERE destination = ? AND kind = ? AND source_id = ? AND source_hash = ? ORDER BY version LIMIT 1')
      .get(destination, kind, sourceId, hash) as DocumentRow | undefined;
  }

  latestVersion(destination: string, kind: string, sourceId: string): number {
    const row = this.db
      .prepare('SELECT MAX(version) AS v FROM documents WHERE destination = ? AND kind = ? AND source_id = ?')
      .get(destination, kind, sourceId) as { v: number | null };
    return row.v ?? 0;
  }

  /** Whether a copy, or a damaged copy set aside, holds this name. */
  isNameTaken(destination: string, folder: string, name: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM documents WHERE destination = ? AND folder = ? AND name = ?').get(destination, folder, name) !== undefined ||
      this.db.prepare('SELECT 1 FROM set_aside WHERE destination = ? AND folder = ? AND name = ?').get(destination, folder, name) !== undefined
    );
  }

  /** Reserves the name and token for an upload, committed before the upload starts. */
  reserve(r: Reservation, now = Date.now()): DocumentRow {
    const info = this.db
      .prepare(
        `INSERT INTO documents (destination, kind, source_id, version, source_hash, number, folder, name, token, status, issued_at, run_id, reserved_at)
         VALUES (@destination, @kind, @source_id, @version, @source_hash, @number, @folder, @name, @token, 'pending', @issued_at, @run_id, @reserved_at)`,
      )
      .run({ ...r, reserved_at: now });
    return this.db.prepare('SELECT * FROM documents WHERE id = ?').get(info.lastInsertRowid) as DocumentRow;
  }

  /** Moves a pending reservation to another name (the destination already had a file by the first one). */
  rename(id: number, name: string): void {
    this.db.prepare("UPDATE documents SET name = ? WHERE id = ? AND status = 'pending'").run(name, id);
  }

  markStored(
    id: number,
    stored: { location: string; size: number; sha256: string; checksum: string | null; identityKept: boolean; runId: number | null },
    now = Date.now(),
  ): void {
    this.db
      .prepare(
        "UPDATE documents SET status = 'stored', location = ?, size = ?, sha256 = ?, checksum = ?, identity_kept = ?, run_id = COALESCE(?, run_id), stored_at = ? WHERE id = ?",
      )
      .run(stored.location, stored.size, stored.sha256, stored.checksum, stored.identityKept ? 1 : 0, stored.runId, now, id);
  }

  /** Stored copies whose identity the destination does not hold yet (stored by an older version, or in a batch not yet written). */
  withoutIdentity(destination: string): DocumentRow[] {
    return this.db.prepare("SELECT * FROM documents WHERE destination = ? AND status = 'stored' AND identity_kept = 0 ORDER BY id").all(destination) as DocumentRow[];
  }

  markIdentityKept(ids: readonly number[]): void {
    const mark = this.db.prepare('UPDATE documents SET identity_kept = 1 WHERE id = ?');
    this.db.transaction(() => ids.forEach((id) => mark.run(id)))();
  }

  /**
   * Records copies found at a destination (a lost ledger adopting what it stored), in one transaction. A copy whose
   * version or name the ledger already holds is skipped. Returns how many were recorded.
   */
  adopt(rows: readonly Omit<DocumentRow, 'id' | 'status' | 'reserved_at' | 'stored_at' | 'run_id' | 'identity_kept'>[], now = Date.now()): number {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO documents (destination, kind, source_id, version, source_hash, number, folder, name, token, status, location, size, sha256, checksum, issued_at, run_id, reserved_at, stored_at, identity_kept)
       VALUES (@destination, @kind, @source_id, @version, @source_hash, @number, @folder, @name, @token, 'stored', @location, @size, @sha256, @checksum, @issued_at, NULL, @now, @now, 1)`,
    );
    let adopted = 0;
    this.db.transaction(() => {
      for (const row of rows) adopted += insert.run({ ...row, now }).changes;
    })();
    return adopted;
  }

  /** A recorded copy to be stored again (repair): a new token, the status back to pending, and maybe a new name. */
  restage(id: number, token: string, name: string): DocumentRow {
    this.db.prepare("UPDATE documents SET status = 'pending', token = ?, name = ?, location = NULL WHERE id = ?").run(token, name, id);
    return this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow;
  }

  /** Records a damaged copy left in place beside the fresh one repair stores. */
  setAside(r: { destination: string; folder: string; name: string; location: string; size: number | null; documentId: number | null; reason: string }, now = Date.now()): void {
    this.db
      .prepare('INSERT OR IGNORE INTO set_aside (destination, folder, name, location, size, document_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.destination, r.folder, r.name, r.location, r.size, r.documentId, r.reason, now);
  }

  setAsideRows(destination: string): { folder: string; name: string; location: string; size: number | null; reason: string }[] {
    return this.db.prepare('SELECT folder, name, location, size, reason FROM set_aside WHERE destination = ? ORDER BY id').all(destination) as {
      folder: string;
      name: string;
      location: string;
      size: number | null;
      reason: string;
    }[];
  }

  /** Names of the copies recorded as stored in one folder of a destination. */
  storedNames(destination: string, folder: string): string[] {
    return (this.db.prepare("SELECT name FROM documents WHERE destination = ? AND folder = ? AND status = 'stored'").all(destination, folder) as { name: string }[]).map((r) => r.name);
  }

  row(id: number): DocumentRow | undefined {
    return this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
  }

  knowsDestination(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM destinations WHERE id = ?').get(id) !== undefined;
  }

  documents(destination?: string): DocumentRow[] {
    return (
      destination
        ? this.db.prepare('SELECT * FROM documents WHERE destination = ? ORDER BY id').all(destination)
        : this.db.prepare('SELECT * FROM documents ORDER BY id').all()
    ) as DocumentRow[];
  }

  storedCounts(runId: number): Record<string, number> {
    const rows = this.db
      .prepare("SELECT kind, COUNT(*) AS n FROM documents WHERE run_id = ? AND status = 'stored' GROUP BY kind")
      .all(runId) as { kind: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  startRun(r: { asOf: string; kinds: string[]; dryRun: boolean; pid: number }, now = Date.now()): number {
    const info = this.db
      .prepare('INSERT INTO runs (started_at, as_of, kinds, dry_run, pid) VALUES (?, ?, ?, ?, ?)')
      .run(now, r.asOf, r.kinds.join(','), r.dryRun ? 1 : 0, r.pid);
    return Number(info.lastInsertRowid);
  }

  finishRun(id: number, r: { outcome: string; exitCode: number; message: string | null; stats: unknown }, now = Date.now()): void {
    this.db
      .prepare('UPDATE runs SET finished_at = ?, outcome = ?, exit_code = ?, message = ?, stats = ? WHERE id = ?')
      .run(now, r.outcome, r.exitCode, r.message, JSON.stringify(r.stats), id);
  }

  /** Runs whose process died without finishing them are closed as "interrupted" by the next run. */
  closeInterruptedRuns(now = Date.now()): void {
    this.db.prepare("UPDATE runs SET outcome = 'interrupted', finished_at = ? WHERE outcome = 'running'").run(now);
  }

  recentRuns(limit: number): RunRow[] {
    return this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit) as RunRow[];
  }

  ensureDestination(id: string, now = Date.now()): void {
    this.db.prepare('INSERT INTO destinations (id, added_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING').run(id, now);
  }

  /** Marks a destination revoked (a time) or active again (null). */
  setRevoked(id: string, revokedAt: number | null, now = Date.now()): void {
    this.ensureDestination(id, now);
    this.db.prepare('UPDATE destinations SET revoked_at = ? WHERE id = ?').run(revokedAt, id);
  }

  revokedAt(id: string): number | null {
    const row = this.db.prepare('SELECT revoked_at FROM destinations WHERE id = ?').get(id) as { revoked_at: number | null } | undefined;
    return row?.revoked_at ?? null;
  }

  folder(destination: string, folderPath: string): { folderId: string; confirmed: boolean } | null {
    const row = this.db.prepare('SELECT folder_id, confirmed FROM folders WHERE destination = ? AND path = ?').get(destination, folderPath) as
      | { folder_id: string; confirmed: number }
      | undefined;
    return row ? { folderId: row.folder_id, confirmed: row.confirmed === 1 } : null;
  }

  /** Records a folder id: unconfirmed before the folder is created, confirmed once it exists. */
  saveFolder(destination: string, folderPath: string, folderId: string, confirmed: boolean): void {
    this.db
      .prepare(
        `INSERT INTO folders (destination, path, folder_id, confirmed) VALUES (?, ?, ?, ?)
         ON CONFLICT (destination, path) DO UPDATE SET folder_id = excluded.folder_id, confirmed = excluded.confirmed`,
      )
      .run(destination, folderPath, folderId, confirmed ? 1 : 0);
  }

  /** Prepared once: every invoice a scan reads is recorded. */
  private recordInvoiceStatement: Database.Statement | null = null;

  /**
   * Records what a scan read of an invoice, replacing what an earlier read recorded. An invoice read again unchanged
   * (most of them, every night) writes nothing, so a scan of thousands costs no commit each; read_at is when the
   * facts were last read changed.
   */
  recordInvoice(f: InvoiceFacts, now = Date.now()): void {
    this.recordInvoiceStatement ??= this.db.prepare(
      `INSERT INTO invoices (invoice_id, order_id, number, type, external, issued_at, gov_id, gov_status, gov_date, read_at)
       VALUES (@invoice_id, @order_id, @number, @type, @external, @issued_at, @gov_id, @gov_status, @gov_date, @read_at)
       ON CONFLICT (invoice_id) DO UPDATE SET order_id = excluded.order_id, number = excluded.number, type = excluded.type,
         external = excluded.external, issued_at = excluded.issued_at, gov_id = excluded.gov_id,
         gov_status = excluded.gov_status, gov_date = excluded.gov_date, read_at = excluded.read_at
       WHERE order_id IS NOT excluded.order_id OR number IS NOT excluded.number OR type IS NOT excluded.type
         OR external IS NOT excluded.external OR issued_at IS NOT excluded.issued_at OR gov_id IS NOT excluded.gov_id
         OR gov_status IS NOT excluded.gov_status OR gov_date IS NOT excluded.gov_date`,
    );
    this.recordInvoiceStatement.run({ ...f, external: f.external ? 1 : 0, read_at: now });
  }

  invoiceFacts(invoiceId: string): InvoiceFacts | null {
    return factsOf(this.db.prepare('SELECT * FROM invoices WHERE invoice_id = ?').get(invoiceId));
  }

  /** Prepared once: the orders CSV asks this for every order it writes. */
  private invoiceOfOrderQuery: Database.Statement | null = null;

  /** An order's invoice: its latest normal one, else its latest correction; null when none was read. */
  invoiceOfOrder(orderId: number): InvoiceFacts | null {
    this.invoiceOfOrderQuery ??= this.db.prepare(
      "SELECT * FROM invoices WHERE order_id = ? ORDER BY type = 'normal' DESC, CAST(invoice_id AS INTEGER) DESC LIMIT 1",
    );
    return factsOf(this.invoiceOfOrderQuery.get(orderId));
  }

  /** KSeF state of the stored invoices issued from `since`; "missing" counts those issued before `settledBefore`. */
  ksefCounts(since: number, settledBefore: number): KsefCounts {
    const stored = `FROM invoices i WHERE i.issued_at >= @since
      AND EXISTS (SELECT 1 FROM documents d WHERE d.kind = 'invoices' AND d.source_id = i.invoice_id AND d.status = 'stored')`;
    const totals = this.db
      .prepare(`SELECT COUNT(*) AS invoices, COALESCE(SUM(i.gov_id <> ''), 0) AS withNumber ${stored}`)
      .get({ since }) as { invoices: number; withNumber: number };
    const missing = `${stored} AND i.gov_id = '' AND i.issued_at < @settledBefore`;
    const byStatus = this.db.prepare(`SELECT i.gov_status AS status, COUNT(*) AS n ${missing} GROUP BY i.gov_status`).all({ since, settledBefore }) as {
      status: number;
      n: number;
    }[];
    const examples = this.db.prepare(`SELECT i.number ${missing} ORDER BY i.issued_at LIMIT 5`).all({ since, settledBefore }) as { number: string }[];
    return {
      invoices: totals.invoices,
      withKsefNumber: totals.withNumber,
      missingByStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
      missingExamples: examples.map((r) => r.number),
    };
  }

  destinationRows(): { id: string; added_at: number; revoked_at: number | null }[] {
    return this.db.prepare('SELECT * FROM destinations ORDER BY added_at').all() as { id: string; added_at: number; revoked_at: number | null }[];
  }
}

function factsOf(row: unknown): InvoiceFacts | null {
  const r = row as (Omit<InvoiceFacts, 'external'> & { external: number }) | undefined;
  return r ? { ...r, external: r.external === 1 } : null;
}

function migrate(db: Database.Database, now: number): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new LedgerError(`the ledger was written by a newer version of this program (schema ${current}); upgrade the program`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
      if (version === 0) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('created_at', String(now));
    })();
  }
}
