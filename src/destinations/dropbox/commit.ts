// How a file is committed add-only, and how the answer is read. Shared by single uploads and batches.
//
// Every commit is mode "add" with autorename off: a file already at the path with different bytes is a conflict,
// never replaced and never a second copy; with the same bytes Dropbox writes nothing and answers with the file
// as it is. To tell "we wrote it now" from "it was already there" (a retry after an answer we never saw, a re-run
// after a crash) without an extra request, each attempt sends its own client_modified: Dropbox keeps the
// client_modified of the write that made the file and does not touch it for identical bytes ("if you upload the
// exact same data to a given path, Dropbox won't update the metadata", Dropbox staff, dropbox-sdk-obj-c#15). If
// the answer carries this attempt's stamp, this attempt created the file; any other stamp means it was there.
import type { DropboxApi } from './dropboxApi.js';
import { DropboxRouteError } from './errors.js';
import { dropboxPathKey } from './names.js';
import { parseMetadata, type FileMetadata } from './wire.js';

export type Stored = { outcome: 'created' | 'identical'; metadata: FileMetadata };
/** Something else is at the path: a different file, a folder, or a file where a parent folder should be. */
export type Conflict = { outcome: 'conflict'; path: string; what: 'file' | 'folder' | 'file_ancestor' };

const lastStamp = new WeakMap<DropboxApi, Map<string, number>>();

/**
 * client_modified for the next attempt at a path: the current second, or one past the last stamp this account gave
 * the path, so that no two attempts share one. Entries from before the current second can never collide again.
 */
export function nextStamp(api: DropboxApi, path: string): string {
  let stamps = lastStamp.get(api);
  if (!stamps) lastStamp.set(api, (stamps = new Map()));
  const key = dropboxPathKey(path);
  const nowSec = Math.floor(api.clock.now() / 1000);
  const sec = Math.max(nowSec, (stamps.get(key) ?? -1) + 1);
  if (stamps.size > 10_000) for (const [k, v] of stamps) if (v < nowSec) stamps.delete(k);
  stamps.set(key, sec);
  return new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
}

/** CommitInfo for an add-only commit; `mute` keeps a night of invoices out of the owner's notifications. */
export function addOnly(path: string, clientModified: string): Record<string, unknown> {
  return { path, mode: 'add', autorename: false, strict_conflict: false, mute: true, client_modified: clientModified };
}

/** What a successful commit means, given the stamp of the attempt that got the answer. */
export function storedOutcome(metadata: FileMetadata, sentStamp: string, contentHash: string): Stored {
  if (metadata.contentHash !== null && metadata.contentHash !== contentHash) {
    throw new Error(`Dropbox holds other bytes at ${metadata.pathDisplay} than it said it took (content hash ${metadata.contentHash}, ours ${contentHash})`);
  }
  return { outcome: metadata.clientModified === sentStamp ? 'created' : 'identical', metadata };
}

/** A WriteError conflict (files/upload: path/conflict/…, a finish: path/conflict/…), or null for anything else. */
export function conflictOf(error: unknown, path: string): Conflict | null {
  const tags = error instanceof DropboxRouteError ? error.tags : Array.isArray(error) ? (error as string[]) : [];
  const at = tags.indexOf('conflict');
  if (tags[0] !== 'path' || at < 0) return null;
  const what = tags[at + 1];
  return { outcome: 'conflict', path, what: what === 'folder' || what === 'file_ancestor' ? what : 'file' };
}

/**
 * After a finish whose session was gone (lookup_failed): an earlier attempt of ours may have committed it and the
 * answer been lost. If the file there has our bytes, it is ours and stored; otherwise there is nothing to say.
 */
export async function committedUnseen(api: DropboxApi, path: string, contentHash: string): Promise<Stored | null> {
  let found;
  try {
    found = parseMetadata(await api.rpc('files/get_metadata', { path }), 'files/get_metadata');
  } catch (error) {
    if (error instanceof DropboxRouteError && error.has('not_found')) return null;
    throw error;
  }
  return found.kind === 'file' && found.contentHash === contentHash ? { outcome: 'identical', metadata: found } : null;
}
