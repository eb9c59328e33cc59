import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/logger.js';
import {
  assertSafeName,
  isSameCopy,
  NameTakenError,
  type Destination,
  type FolderListing,
  type ListedFile,
  type PutRequest,
  type StoredFile,
} from '../destination.js';
import { isInventoryName, STATE_FOLDER } from '../inventory.js';
import { createBatcher, type BatcherOptions } from './batcher.js';
import { dropboxContentHash } from './contentHash.js';
import type { DropboxApi } from './dropboxApi.js';
import { DropboxRouteError } from './errors.js';
import { listFolder } from './folders.js';
import { createIdentities } from './identities.js';
import type { CommitLane } from './lane.js';
import { dropboxPath } from './names.js';
import { parseMetadata, type FileMetadata } from './wire.js';

export interface DropboxDestinationOptions {
  api: DropboxApi;
  /** Null for the app's own root (an App folder app: "dropbox"); a folder path for a Full Dropbox app. */
  folder: string | null;
  /** The account's lane, shared by every destination signed in to it. */
  lane: CommitLane;
  logger: Logger;
  /** Batch timing (tests shorten or lengthen it). */
  batching?: Pick<BatcherOptions, 'idleMs' | 'maxWaitMs'>;
}

export function dropboxId(folder: string | null): string {
  return folder ? `dropbox:${folder}` : 'dropbox';
}

/** A file as Dropbox lists it. */
interface DropboxFile {
  name: string;
  size: number;
  id: string;
  contentHash: string | null;
}

const checksumOf = (f: DropboxFile) => (f.contentHash ? `dropbox:${f.contentHash}` : null);
const fileOf = (m: FileMetadata): DropboxFile => ({ name: m.name, size: m.size, id: m.id, contentHash: m.contentHash });
const nameKey = (name: string) => name.toLowerCase();

/**
 * The owner's Dropbox. Every file is committed in mode "add" with autorename off, so nothing is ever replaced and no
 * second copy made: Dropbox answers a commit of bytes already at the path with success and writes nothing, and one
 * of other bytes with a conflict. Documents go up into upload sessions and are committed in batches (batcher.ts), one
 * batch at a time per account; a put resolves once its own file is committed. Each folder is listed once per run, so
 * a name already held is settled before anything is sent: the same copy (its identity, or exactly these bytes, by
 * Dropbox's content hash) is taken as stored, anything else is NameTakenError. Identities are kept in inventory
 * files (identities.ts). Paths compare without case, as Dropbox compares them.
 */
export function dropboxDestination(o: DropboxDestinationOptions): Destination & { readonly api: DropboxApi; close(): Promise<void> } {
  const { api } = o;
  const base = o.folder && o.folder !== '/' ? o.folder : '';
  const pathOf = (names: readonly string[]) => `${base}${dropboxPath(names)}`;
  const batcher = createBatcher(api, { lane: o.lane, ...o.batching });
  const identities = createIdentities({ api, base, lane: o.lane, logger: o.logger });

  // What is in each folder stored into, listed once per run: the check that keeps a name from being used twice
  // costs a request per folder, not per file, and says which recorded copies went missing (foldersSeen).
  const folderFiles = new Map<string, { folder: readonly string[]; files: Promise<Map<string, DropboxFile>> }>();
  const folderKey = (folder: readonly string[]) => folder.join('/').toLowerCase();
  const filesIn = (folder: readonly string[]): Promise<Map<string, DropboxFile>> => {
    const key = folderKey(folder);
    let entry = folderFiles.get(key);
    if (!entry) {
      const files = listed(folder).then(({ files: found }) => new Map(found.map((f) => [nameKey(f.name), f])));
      entry = { folder, files };
      folderFiles.set(key, entry);
      files.catch(() => folderFiles.delete(key));
    }
    return entry.files;
  };

  /** A folder's files and folders; our own inventory files are not among them. */
  async function listed(folder: readonly string[]): Promise<{ files: DropboxFile[]; folders: string[] }> {
    const out = { files: [] as DropboxFile[], folders: [] as string[] };
    const ours = folder.at(-1) === STATE_FOLDER;
    for await (const e of listFolder(api, pathOf(folder))) {
      if (e.kind === 'folder') out.folders.push(e.name);
      else if (!(ours && isInventoryName(e.name))) out.files.push({ name: e.name, size: e.size ?? 0, id: e.id, contentHash: e.contentHash ?? null });
    }
    return out;
  }

  /** The file at a path now, or null. */
  async function fileAt(path: string): Promise<DropboxFile | null> {
    try {
      const found = parseMetadata(await api.rpc('files/get_metadata', { path }), 'files/get_metadata');
      return found.kind === 'file' ? fileOf(found) : null;
    } catch (error) {
      if (error instanceof DropboxRouteError && error.has('not_found')) return null;
      throw error;
    }
  }

  /** A file holds the name: it is the copy (exactly these bytes, or its identity says so), or the name is taken. */
  async function settle(request: PutRequest, found: DropboxFile, contentHash: string): Promise<StoredFile> {
    const stored = (identityPending: boolean): StoredFile => ({ location: found.id, size: found.size, created: false, checksum: checksumOf(found), identityPending });
    if (found.contentHash === contentHash) {
      // No inventory need be read for it: the bytes say it all. Its identity goes into the next inventory file.
      identities.keep({ folder: request.folder, name: found.name, location: found.id, identity: request.identity });
      return stored(true);
    }
    const kept = await identities.of(request.folder, found.name, found);
    if (kept && isSameCopy({ identity: kept.identity, size: found.size }, request.identity)) return stored(!kept.written);
    throw new NameTakenError(request.folder, request.name);
  }

  return {
    id: dropboxId(o.folder),
    api,
    requests: () => api.requests,

    async newToken() {
      return randomUUID();
    },

    async check() {
      await api.rpc('users/get_current_account');
    },

    async put(request: PutRequest): Promise<StoredFile> {
      request.folder.forEach(assertSafeName);
      assertSafeName(request.name);
      const path = pathOf([...request.folder, request.name]);
      const contentHash = await dropboxContentHash(request.body);
      const known = await filesIn(request.folder);
      const there = known.get(nameKey(request.name));
      if (there) return settle(request, there, contentHash);

      const outcome = await batcher.add({ path, body: request.body, contentHash });
      if (outcome.outcome === 'error') throw outcome.error;
      if (outcome.outcome === 'conflict') {
        if (outcome.what === 'file_ancestor') throw new Error(`a file in Dropbox stands where the folder ${pathOf(request.folder)} should be: move it away`);
        // Someone's file or folder came under the name since the folder was listed.
        const found = outcome.what === 'file' ? await fileAt(path) : null;
        if (!found) throw new NameTakenError(request.folder, request.name);
        known.set(nameKey(found.name), found);
        return settle(request, found, contentHash);
      }
      const file = fileOf(outcome.metadata);
      known.set(nameKey(file.name), file);
      // Already there with these bytes: our own commit whose answer was lost, or a copy a lost ledger made.
      if (outcome.outcome === 'identical') return settle(request, file, contentHash);
      identities.keep({ folder: request.folder, name: file.name, location: file.id, identity: request.identity });
      return { location: file.id, size: file.size, created: true, checksum: checksumOf(file), identityPending: true };
    },

    async list(folder): Promise<FolderListing> {
      folder.forEach(assertSafeName);
      const found = await listed(folder);
      // What puts into this folder go by from now on: a file removed since the last listing is gone for them too.
      folderFiles.set(folderKey(folder), { folder, files: Promise.resolve(new Map(found.files.map((f) => [nameKey(f.name), f]))) });
      const files: ListedFile[] = [];
      for (const f of found.files) {
        const kept = await identities.of(folder, f.name, f);
        files.push({ name: f.name, size: f.size, location: f.id, checksum: checksumOf(f), identity: kept?.identity ?? null });
      }
      return { files, folders: found.folders };
    },

    async recordIdentities(files) {
      await identities.record(files);
    },

    async foldersSeen() {
      const seen = [];
      for (const { folder, files } of folderFiles.values()) seen.push({ folder, names: new Set([...(await files).values()].map((f) => f.name)) });
      return seen;
    },

    async close() {
      await batcher.close();
      await identities.flush();
    },
  };
}
