// The contract every destination keeps. It has no delete and no overwrite, so nothing can call them.

/** Bytes in memory, or a spooled file (a large orders CSV) read as many times as a retry needs. */
export type Body = Uint8Array | { path: string; size: number };

export interface PutRequest {
  /** Folder names under the destination's root, e.g. ["BaseLinker Backup", "2026", "11", "Invoices"]. */
  folder: readonly string[];
  name: string;
  contentType: string;
  body: Body;
  /**
   * From newToken(), kept in the ledger before the first attempt. It identifies this one stored copy across
   * retries and crashes: a put with a token that is already stored returns that copy and stores nothing.
   */
  token: string;
}

export interface StoredFile {
  /** Where it landed, in the destination's own terms (a path, a Drive file id). */
  location: string;
  size: number;
  /** False when this token was already stored (a retry or a re-run after a crash). */
  created: boolean;
}

export interface ListedFile {
  name: string;
  size: number;
}

export interface Destination {
  /** Stable identity, the ledger's key: "local:/srv/backup", "gdrive". */
  readonly id: string;
  newToken(): Promise<string>;
  /**
   * Stores the body at folder/name, creating folders as needed. Never replaces or removes anything: when the name is
   * held by a file that was not stored under this token, throws NameTakenError and leaves that file alone.
   */
  put(request: PutRequest): Promise<StoredFile>;
  /** Requests made to a remote API so far (for `backup status` and the benchmark); local folders make none. */
  requests?(): number;
  /** Confirms, before a run reads anything, that the destination can be written (signed in, not revoked). */
  check?(): Promise<void>;
  /** Files directly inside a folder (for verification); empty when the folder does not exist. */
  list(folder: readonly string[]): Promise<ListedFile[]>;
  /**
   * Whether this destination already holds files this program stored (with any ledger). A ledger that has never
   * recorded a run refuses to start over such a destination: it would store every document again.
   */
  holdsBackup?(): Promise<boolean>;
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
