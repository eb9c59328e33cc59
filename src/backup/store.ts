import { createHash } from 'node:crypto';
import type { DocumentKind } from '../domain/documents.js';
import { NameTakenError, type Body, type Destination } from '../destinations/destination.js';
import type { Ledger } from '../ledger/ledger.js';
import { crashPoint } from '../lib/crashPoint.js';
import { fileChunks } from '../lib/fileChunks.js';
import { candidateNames, folderKey } from './naming.js';

/** One version of one document, as the ledger knows it. */
export interface DocumentVersion {
  kind: DocumentKind;
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

/** Whether this version still has to go to this destination (nothing or only a reservation is recorded). */
export function needsStoring(ledger: Ledger, destination: Destination, doc: DocumentVersion): boolean {
  return ledger.findByHash(destination.id, doc.kind, doc.sourceId, doc.hash)?.status !== 'stored';
}

/** The name a version would get if stored now (for --dry-run). */
export function plannedName(ledger: Ledger, destination: Destination, doc: DocumentVersion): { version: number; name: string } {
  const row = ledger.findByHash(destination.id, doc.kind, doc.sourceId, doc.hash);
  if (row) return { version: row.version, name: row.name };
  const version = ledger.latestVersion(destination.id, doc.kind, doc.sourceId) + 1;
  const folder = folderKey(doc.folder);
  const name = candidateNames(doc.kind, doc.number, doc.sourceId, version, doc.extension).find((n) => !ledger.isNameTaken(destination.id, folder, n));
  return { version, name: name ?? '(no free name)' };
}

/**
 * Stores one version at one destination, exactly once across retries and crashes: the name and the destination's
 * token are reserved in the ledger before the upload, and a re-run resumes that reservation instead of starting
 * another. The stored record is committed in its own transaction right after the upload.
 */
export async function storeVersion(
  ledger: Ledger,
  destination: Destination,
  doc: DocumentVersion,
  body: () => Promise<Body>,
  runId: number,
): Promise<StoreOutcome> {
  const folder = folderKey(doc.folder);
  let row = ledger.findByHash(destination.id, doc.kind, doc.sourceId, doc.hash);
  if (row?.status === 'stored') return 'already stored';
  if (!row) {
    // The token first: between choosing a free name and reserving it nothing may wait, or a document delivered
    // concurrently could choose the same name.
    const token = await destination.newToken();
    const version = ledger.latestVersion(destination.id, doc.kind, doc.sourceId) + 1;
    const name = freeNames(ledger, destination, doc, version)[0];
    if (!name) throw new Error(`no free file name for ${doc.kind} ${doc.number} in ${folder}`);
    row = ledger.reserve({
      destination: destination.id,
      kind: doc.kind,
      source_id: doc.sourceId,
      version,
      source_hash: doc.hash,
      number: doc.number,
      folder,
      name,
      token,
      issued_at: doc.issuedAt,
      run_id: runId,
    });
    crashPoint('after-reserve');
  }

  const bytes = await body();
  crashPoint('after-render');
  let name = row.name;
  // Every name tried in this call: the ledger frees a name when the row moves on, so without this two names held by
  // other files would be tried in turn forever.
  const tried = new Set<string>();
  for (;;) {
    try {
      const stored = await destination.put({ folder: doc.folder, name, contentType: doc.contentType, body: bytes, token: row.token });
      crashPoint('after-upload');
      ledger.markStored(row.id, { location: stored.location, size: stored.size, sha256: await sha256Of(bytes), runId });
      return 'stored';
    } catch (error) {
      if (!(error instanceof NameTakenError)) throw error;
      // Someone else's file holds the name: never touch it, take the next candidate.
      tried.add(name);
      const next = freeNames(ledger, destination, doc, row.version).find((n) => !tried.has(n));
      if (!next) throw new Error(`every candidate name for ${doc.kind} ${doc.number} in ${folder} is taken by other files`);
      ledger.rename(row.id, next);
      name = next;
    }
  }
}

function freeNames(ledger: Ledger, destination: Destination, doc: DocumentVersion, version: number): string[] {
  const folder = folderKey(doc.folder);
  return candidateNames(doc.kind, doc.number, doc.sourceId, version, doc.extension).filter((n) => !ledger.isNameTaken(destination.id, folder, n));
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

async function sha256Of(body: Body): Promise<string> {
  const hash = createHash('sha256');
  if (body instanceof Uint8Array) return hash.update(body).digest('hex');
  for await (const chunk of fileChunks(body.path)) hash.update(chunk);
  return hash.digest('hex');
}
