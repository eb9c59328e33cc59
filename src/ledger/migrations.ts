// Schema changes, in order, forever. A migration is never edited once released: add a new one.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    as_of TEXT NOT NULL,
    kinds TEXT NOT NULL,
    dry_run INTEGER NOT NULL DEFAULT 0,
    pid INTEGER NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'running',
    exit_code INTEGER,
    message TEXT,
    stats TEXT
  );
  -- One row per stored copy of one version of one document at one destination. A row is written as 'pending'
  -- (name and token reserved) before the upload, and becomes 'stored' in its own transaction after it.
  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    destination TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    source_hash TEXT NOT NULL,
    number TEXT NOT NULL,
    folder TEXT NOT NULL,
    name TEXT NOT NULL,
    token TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'stored')),
    location TEXT,
    size INTEGER,
    sha256 TEXT,
    issued_at INTEGER,
    run_id INTEGER REFERENCES runs(id),
    reserved_at INTEGER NOT NULL,
    stored_at INTEGER,
    UNIQUE (destination, kind, source_id, version),
    UNIQUE (destination, folder, name)
  );
  CREATE INDEX documents_by_hash ON documents (destination, kind, source_id, source_hash);
  CREATE TABLE destinations (
    id TEXT PRIMARY KEY,
    added_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE folders (
    destination TEXT NOT NULL,
    path TEXT NOT NULL,
    folder_id TEXT NOT NULL,
    PRIMARY KEY (destination, path)
  );
  `,
  // Drive folders get a pre-generated id that is recorded before the folder is created, so a retry or a re-run
  // after a crash creates it with the same id (Drive answers 409) instead of a second folder of the same name.
  `
  ALTER TABLE folders ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1;
  `,
  // The destination is the truth: each stored file carries its identity there. `checksum` is the destination's own
  // checksum of the stored bytes, as its listings report it; `identity_kept` says whether the destination holds the
  // row's identity yet (rows from before: no, until the next run records them there). `set_aside` keeps the damaged
  // copies `verify --repair` found and stored a fresh copy beside: left in place, never counted as disagreements.
  `
  ALTER TABLE documents ADD COLUMN checksum TEXT;
  ALTER TABLE documents ADD COLUMN identity_kept INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE set_aside (
    id INTEGER PRIMARY KEY,
    destination TEXT NOT NULL,
    folder TEXT NOT NULL,
    name TEXT NOT NULL,
    location TEXT NOT NULL,
    size INTEGER,
    document_id INTEGER REFERENCES documents(id),
    reason TEXT NOT NULL,
    at INTEGER NOT NULL,
    UNIQUE (destination, location)
  );
  `,
  // What the invoices step last read of each invoice: which order it belongs to and its KSeF number and status. The
  // orders CSV shows an order's invoice and KSeF number from here, and `backup status` counts invoices still
  // without a KSeF number. Rewritten on every read: it holds BaseLinker's latest word, not a history.
  `
  CREATE TABLE invoices (
    invoice_id TEXT PRIMARY KEY,
    order_id INTEGER NOT NULL,
    number TEXT NOT NULL,
    type TEXT NOT NULL,
    external INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    gov_id TEXT NOT NULL,
    gov_status INTEGER NOT NULL,
    gov_date INTEGER,
    read_at INTEGER NOT NULL
  );
  CREATE INDEX invoices_by_order ON invoices (order_id);
  `,
];
