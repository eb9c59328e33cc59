// Dropbox's answers, parsed once into our own types (files.stone FileMetadata / Metadata, users.stone FullAccount).
// Anything that does not have the shape the spec gives is refused here, not deeper in.

export interface FileMetadata {
  name: string;
  pathLower: string;
  pathDisplay: string;
  id: string;
  /** "2026-11-21T02:00:13Z": whatever the uploader sent, or the upload time. */
  clientModified: string;
  rev: string;
  size: number;
  contentHash: string | null;
}

export type ListedEntry =
  | ({ kind: 'file' } & FileMetadata)
  | { kind: 'folder'; name: string; pathLower: string; pathDisplay: string; id: string }
  | { kind: 'deleted'; name: string; pathLower: string; pathDisplay: string };

export interface DropboxAccount {
  accountId: string;
  email: string;
  displayName: string;
}

type Fields = Record<string, unknown>;

function object(v: unknown, what: string): Fields {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw unexpected(what, 'not an object');
  return v as Fields;
}

function text(o: Fields, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw unexpected(what, `no ${key}`);
  return v;
}

export function unexpected(what: string, detail: string): Error {
  return new Error(`Dropbox sent an unexpected answer to ${what} (${detail})`);
}

/** A FileMetadata: the result of files/upload and session finishes, untagged. */
export function parseFileMetadata(v: unknown, what: string): FileMetadata {
  const o = object(v, what);
  const size = o['size'];
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw unexpected(what, 'no size');
  const hash = o['content_hash'];
  return {
    name: text(o, 'name', what),
    pathLower: text(o, 'path_lower', what),
    pathDisplay: text(o, 'path_display', what),
    id: text(o, 'id', what),
    clientModified: text(o, 'client_modified', what),
    rev: text(o, 'rev', what),
    size,
    contentHash: typeof hash === 'string' ? hash : null,
  };
}

/** A Metadata: tagged file, folder or deleted (get_metadata, list_folder entries). */
export function parseMetadata(v: unknown, what: string): ListedEntry {
  const o = object(v, what);
  const tag = o['.tag'];
  if (tag === 'file') return { kind: 'file', ...parseFileMetadata(o, what) };
  const base = { name: text(o, 'name', what), pathLower: text(o, 'path_lower', what), pathDisplay: text(o, 'path_display', what) };
  if (tag === 'folder') return { kind: 'folder', ...base, id: text(o, 'id', what) };
  if (tag === 'deleted') return { kind: 'deleted', ...base };
  throw unexpected(what, `unknown .tag ${JSON.stringify(tag)}`);
}

export function parseListPage(v: unknown, what: string): { entries: ListedEntry[]; cursor: string; hasMore: boolean } {
  const o = object(v, what);
  const entries = o['entries'];
  if (!Array.isArray(entries) || typeof o['has_more'] !== 'boolean') throw unexpected(what, 'no entries or has_more');
  return { entries: entries.map((e) => parseMetadata(e, what)), cursor: text(o, 'cursor', what), hasMore: o['has_more'] };
}

export function parseAccount(v: unknown): DropboxAccount {
  const what = 'users/get_current_account';
  const o = object(v, what);
  return { accountId: text(o, 'account_id', what), email: text(o, 'email', what), displayName: text(object(o['name'], what), 'display_name', what) };
}

/** finish_batch_v2's entries: each {".tag": "success", …FileMetadata} or {".tag": "failure", failure: <union>}. */
export function parseBatchResults(v: unknown, count: number): ({ ok: true; metadata: FileMetadata } | { ok: false; failure: unknown })[] {
  const what = 'files/upload_session/finish_batch_v2';
  const entries = object(v, what)['entries'];
  if (!Array.isArray(entries) || entries.length !== count) throw unexpected(what, `expected ${count} results`);
  return entries.map((e) => {
    const o = object(e, what);
    if (o['.tag'] === 'success') return { ok: true as const, metadata: parseFileMetadata(o, what) };
    if (o['.tag'] === 'failure') return { ok: false as const, failure: o['failure'] };
    throw unexpected(what, `unknown entry .tag ${JSON.stringify(o['.tag'])}`);
  });
}

/**
 * The tags of an error union, outermost first: ["path", "conflict", "file"]. A union member of union type nests
 * under its own name; one of struct type has its fields beside the tag (UploadWriteFailed.reason), and the first
 * union among them continues the chain. This is what to decide on; error_summary is for people only.
 */
export function tagsOf(error: unknown): string[] {
  const tags: string[] = [];
  let cur: unknown = error;
  while (typeof cur === 'object' && cur !== null) {
    const o = cur as Fields;
    let next: unknown;
    if (typeof o['.tag'] === 'string') {
      tags.push(o['.tag']);
      next = o[o['.tag']];
    }
    if (typeof next !== 'object' || next === null) next = Object.entries(o).find(([k, v]) => k !== '.tag' && typeof v === 'object' && v !== null && '.tag' in v)?.[1];
    cur = next;
  }
  return tags;
}
