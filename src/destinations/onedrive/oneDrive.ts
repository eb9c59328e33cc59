import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { DestinationFullError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import {
  assertSafeName,
  isSameCopy,
  NameTakenError,
  type Destination,
  type FileIdentity,
  type FolderListing,
  type ListedFile,
  type PutRequest,
  type StoredFile,
} from '../destination.js';
import { isInventoryName, STATE_FOLDER } from '../inventory.js';
import { createOnly, type UploadContext } from './createOnly.js';
import type { GraphApi } from './graphApi.js';
import { OneDriveInventory } from './inventory.js';
import { FolderMaker, listFolder, type DriveItem, type OneDriveDrive } from './items.js';
import { nameKey as key } from './names.js';
import { quickXorHashOf } from './quickXorHash.js';

export interface OneDriveOptions {
  api: GraphApi;
  /** A folder path from the drive's root ("Backups/Shop"), or null for the app's own folder (Apps/<app name>). */
  target: string | null;
  clock: Clock;
  logger: Logger;
  /** Files stored between two inventory writes. Default 200. */
  inventoryBatch?: number;
  /** Upload-session fragments (a multiple of 320 KiB) and the largest single-request upload: for tests. */
  fragmentBytes?: number;
  simpleUploadMaxBytes?: number;
}

function fullDrive(why: string): DestinationFullError {
  return new DestinationFullError(`OneDrive is full (${why}): free up space or buy more storage; the next run stores the rest`);
}

export function oneDriveId(target: string | null): string {
  return target ? `onedrive:${target}` : 'onedrive';
}

/** A file as a folder listing showed it; its identity is looked up only when needed (undefined: not yet). */
interface Held {
  name: string;
  size: number;
  location: string;
  checksum: string | null;
  identity?: FileIdentity | null;
}

/** What this process knows of one folder: its files by name without regard to case, and whether it exists. */
interface FolderState {
  folder: readonly string[];
  files: Map<string, Held>;
  missing: boolean;
}

const checksumOf = (item: DriveItem) => (item.file?.hashes?.quickXorHash ? `quickxor:${item.file.hashes.quickXorHash}` : null);
const heldOf = (item: DriveItem): Held => ({ name: item.name, size: item.size, location: item.id, checksum: checksumOf(item) });

/**
 * The owner's OneDrive. OneDrive keeps one file per name, compared without regard to case, and an upload there
 * replaces by default: so each folder is listed once per run before anything is stored into it, a name seen taken
 * is never asked for, and every upload says conflictBehavior "fail" as the second guard (createOnly.ts). A name
 * that is taken holds our copy when its identity says so, or (its identity not yet written: a crash between the
 * upload and the inventory, with the ledger lost too) when its QuickXorHash is that of the bytes; anything else
 * is someone else's file, which NameTakenError leaves alone. In the normal path a document costs one request, its
 * upload; a folder one listing (a new one a few requests more); identities one upload per 200 documents. There is
 * no call here that deletes, moves, renames or replaces anything.
 */
export function oneDriveDestination(o: OneDriveOptions): Destination & { readonly api: GraphApi } {
  const base = o.target ? o.target.split('/') : [];
  const drive: OneDriveDrive = { api: o.api, root: o.target ? 'root' : 'approot', business: false };
  const folders = new FolderMaker(drive);
  const upload: UploadContext = {
    drive,
    folders,
    ...(o.fragmentBytes === undefined ? {} : { fragmentBytes: o.fragmentBytes }),
    ...(o.simpleUploadMaxBytes === undefined ? {} : { simpleUploadMaxBytes: o.simpleUploadMaxBytes }),
  };
  const inventory = new OneDriveInventory({ upload, base, clock: o.clock, logger: o.logger, ...(o.inventoryBatch === undefined ? {} : { batch: o.inventoryBatch }) });
  const under = (folder: readonly string[]) => [...base, ...folder];

  // Listed once per folder per run (key: the path without regard to case), shared by concurrent puts; not at all
  // when this process made the folder, or one above it: then it holds only what this process put there.
  const states = new Map<string, Promise<FolderState>>();
  const stateOf = (folder: readonly string[]): Promise<FolderState> => {
    const k = key(folder.join('/'));
    let state = states.get(k);
    if (!state) {
      const known = folders.madeHere(under(folder)) ? [] : folders.surelyMissing(under(folder)) ? null : undefined;
      state = (known !== undefined ? Promise.resolve(known) : listFolder(drive, { parentPath: under(folder) })).then((items) => ({
        folder,
        files: new Map((items ?? []).filter((i) => i.file).map((i) => [key(i.name), heldOf(i)])),
        missing: items === null,
      }));
      states.set(k, state);
      state.catch(() => states.delete(k));
    }
    return state;
  };

  const stored = (h: Held, created: boolean, identityPending = false): StoredFile => ({ location: h.location, size: h.size, created, checksum: h.checksum, ...(identityPending ? { identityPending } : {}) });

  /** The name holds `held`: ours (this copy, the same version, or exactly these bytes), or NameTakenError. */
  async function settle(request: PutRequest, held: Held): Promise<StoredFile> {
    // "fv_1.pdf" holds "FV_1.pdf" on OneDrive: another name than the one asked for is another file's.
    if (held.name !== request.name) throw new NameTakenError(request.folder, request.name);
    held.identity ??= await inventory.identityOf(request.folder, held.name, { id: held.location, size: held.size });
    if (isSameCopy({ identity: held.identity, size: held.size }, request.identity)) return stored(held, false);
    if (held.size === request.identity.size && held.checksum === `quickxor:${await quickXorHashOf(request.body)}`) {
      // Ours, stored before its identity was written: from now on the inventory says whose it is.
      held.identity = request.identity;
      await inventory.keep({ folder: request.folder, name: held.name, location: held.location, identity: request.identity });
      return stored(held, false, true);
    }
    throw new NameTakenError(request.folder, request.name);
  }

  return {
    id: oneDriveId(o.target),
    api: o.api,
    requests: () => o.api.requests,

    async newToken() {
      return randomUUID();
    },

    async check() {
      if (drive.root === 'approot') {
        // Also makes the app's folder, which exists only once something has asked for it.
        await folders.ensure([]);
        return;
      }
      const r = await o.api.send({ what: 'read the drive', method: 'GET', path: 'me/drive', query: { $select: 'driveType,quota' } });
      drive.business = r.json['driveType'] !== 'personal';
      // A drive already full is said before anything is read from BaseLinker, not once per document.
      if ((r.json['quota'] as { state?: unknown } | undefined)?.state === 'exceeded') throw fullDrive('its storage is used up');
    },

    async put(request: PutRequest): Promise<StoredFile> {
      assertSafeName(request.name);
      request.folder.forEach(assertSafeName);
      const state = await stateOf(request.folder);
      const held = state.files.get(key(request.name));
      if (held) return settle(request, held);
      if (state.missing) {
        // Made one level at a time with "fail", once for concurrent puts; never by the upload on its way.
        await folders.ensure(under(request.folder), { missing: true });
        state.missing = false;
      }
      const result = await createOnly(upload, { parentPath: under(request.folder), name: request.name, body: request.body });
      const found = heldOf(result.item);
      state.files.set(key(found.name), found);
      if (result.outcome === 'exists') return settle(request, found);
      found.identity = request.identity;
      found.checksum ??= `quickxor:${await quickXorHashOf(request.body)}`;
      await inventory.keep({ folder: request.folder, name: found.name, location: found.location, identity: request.identity });
      return stored(found, true, true);
    },

    async list(folder): Promise<FolderListing> {
      const items = await listFolder(drive, { parentPath: under(folder) });
      if (!items) return { files: [], folders: [] };
      // Our inventories are bookkeeping, not documents: a listing of the state folder leaves them out.
      const isState = folder.length > 0 && folder.length <= 2 && folder.at(-1) === STATE_FOLDER;
      const files = items.filter((i) => i.file && !(isState && isInventoryName(i.name)));
      const listed = await Promise.all(
        files.map(async (i): Promise<ListedFile> => ({ ...heldOf(i), identity: await inventory.identityOf(folder, i.name, i) })),
      );
      // What puts into this folder go by from now on: a file removed since the last listing is gone for them too.
      states.set(key(folder.join('/')), Promise.resolve({ folder, files: new Map(listed.map((f) => [key(f.name), { ...f }])), missing: false }));
      return { files: listed, folders: items.filter((i) => i.folder).map((i) => i.name) };
    },

    async recordIdentities(files) {
      await inventory.record(files);
    },

    async foldersSeen() {
      const seen = [];
      for (const state of states.values()) {
        const { folder, files } = await state;
        seen.push({ folder, names: new Set([...files.values()].map((f) => f.name)) });
      }
      return seen;
    },

    async close() {
      await inventory.close();
    },
  };
}
