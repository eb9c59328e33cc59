import { createHash } from 'node:crypto';
import { bodySize, NameTakenError, type Body, type Destination, type FileIdentity, type StoredKind } from '../destinations/destination.js';
import type { DocumentRow, Ledger } from '../ledger/ledger.js';
import { crashPoint } from '../lib/crashPoint.js';
import { fileChunks } from '../lib/fileChunks.js';
import { candidateNames, folderKey } from './naming.js';
import { reserveStep } from './plan.js';

/** One version of one document, as the ledger knows it. */
export interface DocumentVersion {
  kind: StoredKind;
  sourceId: string;
  /** Hash of the source record: a new hash is a new version; a new PDF template is not. */
  hash: string;
  number: string;
  issuedAt: number | null;
  folder: string[];
  extension: string;
  contentType: string;
}

export type StoreOutcome = 'stored' | 'already stored';

export interface StoreContext {
  ledger: Ledger;
  /** Whose backup this is: every stored file carries it. */
  account: string;
  runId: number;
  /** Someone else's file sat under a name this document wanted; ours went beside it. */
  onNameTaken?(destination: string, path: string): void;
}

/** Whether this version still has to go to this destination (nothing or only a reservation is recorded). */
export function needsStoring(ledger: Ledger, destinationId: string, doc: DocumentVersion): boolean {
  return ledger.findByHash(destinationId, doc.kind, doc.sourceId, doc.hash)?.status !== 'stored';
}

/**
 * Stores one version at one destination, exactly once across retries and crashes: the name and the destination's
 * token are reserved in the ledger before the upload, and a re-run resumes that reservation instead of starting
 * another. The stored record is committed in its own transaction right after the upload.
 */
export async function storeVersion(c: StoreContext, destination: Destination, doc: DocumentVersion, body: () => Promise<Body>): Promise<StoreOutcome> {
  if (!needsStoring(c.ledger, destination.id, doc)) return 'already stored';
  const pending = c.ledger.findByHash(destination.id, doc.kind, doc.sourceId, doc.hash);
  // A fresh token only for a fresh reservation; the token is fetched before the plan, which must not wait.
  const token = pending ? pending.token : await destination.newToken();
  const row = reserveStep(c.ledger, destination.id, doc, token, c.runId);
  if (!row) return 'already stored';
  if (!pending) crashPoint('after-reserve');
  await putReserved(c, destination, row, doc, await body());
  return 'stored';
}

/** Uploads a reserved row's body under its name (or the next free one) and records it as stored. */
export async function putReserved(c: StoreContext, destination: Destination, row: DocumentRow, doc: Pick<DocumentVersion, 'folder' | 'contentType' | 'kind' | 'sourceId' | 'number' | 'extension'>, bytes: Body): Promise<void> {
  crashPoint('after-render');
  const identity: FileIdentity = {
    account: c.account,
    kind: doc.kind,
    sourceId: doc.sourceId,
    version: row.version,
    hash: row.source_hash,
    token: row.token,
    size: bodySize(bytes),
    sha256: await sha256Of(bytes),
  };
  let name = row.name;
  // Every name tried in this call: the ledger frees a name when the row moves on, so without this two names held by
  // other files would be tried in turn forever.
  const tried = new Set<string>();
  for (;;) {
    try {
      const stored = await destination.put({ folder: doc.folder, name, contentType: doc.contentType, body: bytes, identity });
      crashPoint('after-upload');
      c.ledger.markStored(row.id, {
        location: stored.location,
        size: stored.size,
        sha256: identity.sha256,
        checksum: stored.checksum,
        identityKept: !stored.identityPending,
        runId: c.runId || null,
      });
      return;
    } catch (error) {
      if (!(error instanceof NameTakenError)) throw error;
      // Someone else's file holds the name: never touch it, take the next candidate.
      c.onNameTaken?.(destination.id, `${folderKey(doc.folder)}/${name}`);
      tried.add(name);
      const next = freeNames(c.ledger, destination.id, { ...doc, folder: doc.folder }, row.version).find((n) => !tried.has(n));
      if (!next) throw new Error(`every candidate name for ${doc.kind} ${doc.number} in ${folderKey(doc.folder)} is taken by other files`);
      c.ledger.rename(row.id, next);
      name = next;
    }
  }
}

/** The names a version may take, in order, that no other copy in the ledger holds. */
export function freeNames(ledger: Ledger, destinationId: string, doc: Pick<DocumentVersion, 'folder' | 'kind' | 'number' | 'sourceId' | 'extension'>, version: number): string[] {
  const folder = folderKey(doc.folder);
  return candidateNames(doc.kind, doc.number, doc.sourceId, version, doc.extension).filter((n) => !ledger.isNameTaken(destinationId, folder, n));
}

export function hashRecord(record: unknown): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** JSON with object keys sorted, so the same record always hashes the same whatever order the API sent. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export async function sha256Of(body: Body): Promise<string> {
  const hash = createHash('sha256');
  if (body instanceof Uint8Array) return hash.update(body).digest('hex');
  for await (const chunk of fileChunks(body.path)) hash.update(chunk);
  return hash.digest('hex');
}
