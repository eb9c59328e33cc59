// The contract every destination keeps. It has no delete and no overwrite, so nothing can call them. Each stored
// file carries its identity at the destination itself (restic's lesson: the repository is the truth, the local
// ledger a cache), so a new machine or an empty data dir carries on without storing anything twice.

/** Bytes in memory, or a spooled file (a large orders CSV) read as many times as a retry needs. */
export type Body = Uint8Array | { path: string; size: number };

/** What is stored: a document of a kind, or one of the backup's own records (the first-run cutoff). */
export type StoredKind = 'orders' | 'invoices' | 'receipts' | 'fact';

/** Which document and version a stored file is, kept beside or inside the file at the destination. */
export interface FileIdentity {
  /** Whose backup: the account's id ("default" for an installation of one account). */
  account: string;
  kind: StoredKind;
  /** The document's id at the source (an orders file: its name without extension). */
  sourceId: string;
  version: number;
  /** Hash of the source record: a new hash is a new version. */
  hash: string;
  /** The upload token reserved in the ledger before the first attempt. */
  token: string;
  /** The stored bytes' size and SHA-256, so a damaged copy can be told from a whole one. */
  size: number;
  sha256: string;
}

export interface PutRequest {
  /** Folder names under the destination's root, e.g. ["BaseLinker Backup", "2026", "11", "Invoices"]. */
  folder: readonly string[];
  name: string;
  contentType: string;
  body: Body;
  identity: FileIdentity;
}

export interface StoredFile {
  /** Where it landed, in the destination's own terms (a path, a Drive file id). */
  location: string;
  size: number;
  /** False when this copy was already there (a retry, a re-run after a crash, or a copy a lost ledger made). */
  created: boolean;
  /** The destination's checksum of the bytes, "<algorithm>:<value>", as its listings will report it. */
  checksum: string | null;
  /** True when the destination keeps the identity for later (written in a batch by close()), not yet with the file. */
  identityPending?: boolean;
}

export interface ListedFile {
  name: string;
  size: number;
  location: string;
  /** "<algorithm>:<value>" when the destination reports one (or was asked to compute it). */
  checksum: string | null;
  /** Our identity, when the file carries one; null for a file this program did not store. */
  identity: FileIdentity | null;
}

export interface FolderListing {
  files: ListedFile[];
  /** Names of the folders directly inside. */
  folders: string[];
}

export interface Destination {
  /** Stable identity, the ledger's key: "local:/srv/backup", "gdrive". */
  readonly id: string;
  newToken(): Promise<string>;
  /**
   * Stores the body and its identity at folder/name, creating folders as needed. Never replaces or removes anything.
   * When the name already holds this copy (the same token), the same version of the same document (a copy a lost
   * ledger made), or exactly these bytes, returns that file with `created: false` and stores nothing. Any other file
   * under the name: throws NameTakenError and leaves it alone.
   */
  put(request: PutRequest): Promise<StoredFile>;
  /**
   * What is directly inside a folder; empty when it does not exist. `checksums` asks for every file's checksum even
   * where that costs reading it (a local folder); remote destinations report theirs anyway.
   */
  list(folder: readonly string[], options?: { checksums?: boolean }): Promise<FolderListing>;
  /**
   * Keeps identities for files that were stored without one (by a version of this program that did not keep them),
   * so that a lost ledger can adopt them too. Stores no document.
   */
  recordIdentities(files: readonly { folder: readonly string[]; name: string; location: string; identity: FileIdentity }[]): Promise<void>;
  /**
   * The folders this destination listed while storing in this run, and the names it found (no new request): the
   * run compares them with the ledger and says when recorded copies went missing.
   */
  foldersSeen?(): Promise<{ folder: readonly string[]; names: ReadonlySet<string> }[]>;
  /** Requests made to a remote API so far (for `backup status` and the benchmark); local folders make none. */
  requests?(): number;
  /** Confirms, before a run reads anything, that the destination can be written (signed in, not revoked, writable). */
  check?(): Promise<void>;
  /** Finishes what the destination keeps for later (identities written in batches). */
  close?(): Promise<void>;
}

export class NameTakenError extends Error {
  constructor(readonly folder: readonly string[], readonly fileName: string) {
    super(`${[...folder, fileName].join('/')} already exists and is not ours`);
    this.name = 'NameTakenError';
  }
}

export function bodySize(body: Body): number {
  return body instanceof Uint8Array ? body.byteLength : body.size;
}

/**
 * One rule for every destination: a folder or file name is a single, non-empty path segment. Our naming never
 * makes anything else; this is the last guard that nothing lands outside the destination's root.
 */
export function assertSafeName(name: string): string {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw new Error(`unsafe file name ${JSON.stringify(name)}`);
  return name;
}

/**
 * Whether a file found at a name is the copy a put wants to make: its identity names the same token, or the same
 * version of the same document (stored with a ledger that was since lost); and it is whole, as its identity says.
 * A layout change of our PDFs makes other bytes of the same version: still the same copy.
 */
export function isSameCopy(found: { identity: FileIdentity | null; size: number }, wanted: FileIdentity): boolean {
  const id = found.identity;
  if (!id || found.size !== id.size) return false;
  if (id.token === wanted.token) return true;
  return id.account === wanted.account && id.kind === wanted.kind && id.sourceId === wanted.sourceId && id.hash === wanted.hash;
}
