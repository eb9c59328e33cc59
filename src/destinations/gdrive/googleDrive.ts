import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Pacer } from '../../lib/pacer.js';
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
import { DriveApi } from './driveApi.js';
import { statusOf } from './errors.js';
import { createFolderResolver, escapeQuery, FOLDER_MIME, type FolderIdStore } from './folders.js';
import { identityFromProperties, identityProperties } from './identity.js';
import { createIdSupply } from './ids.js';
import { createInventory, isInventoryFile } from './inventory.js';
import type { OAuthClient } from './oauth.js';
import { uploadNewFile } from './upload.js';

export interface GoogleDriveOptions {
  auth: OAuthClient;
  rootUrl: string;
  /** Where the top folder goes: a folder or shared drive id, or My Drive's root. */
  parentFolderId: string | null;
  /** The Google account's write budget; shared by every destination writing into that account. */
  writes: Pacer;
  folders: FolderIdStore;
  clock: Clock;
  logger: Logger;
}

export function googleDriveId(parentFolderId: string | null): string {
  return parentFolderId ? `gdrive:${parentFolderId}` : 'gdrive';
}

const FILE_FIELDS = 'id, name, size, mimeType, appProperties, sha256Checksum, trashed';

interface DriveFile {
  id?: string | null;
  name?: string | null;
  size?: string | null;
  mimeType?: string | null;
  appProperties?: Record<string, string> | null;
  sha256Checksum?: string | null;
  trashed?: boolean | null;
}

/**
 * The owner's Google Drive. Every file is created with a pre-generated id, which is the put's token, and with its
 * identity in appProperties: a retry, or a re-run after a crash between the upload and the ledger, gets 409 for
 * that id and adopts the file instead of making a second one; a run with a lost ledger finds the identities in the
 * folder listings. In the normal path a new document costs one request (plus one generateIds per hundred). There
 * is no call here that deletes, trashes or changes the content or metadata of a file.
 */
export function googleDriveDestination(o: GoogleDriveOptions): Destination & { readonly api: DriveApi } {
  const api = new DriveApi({ auth: o.auth, rootUrl: o.rootUrl, writes: o.writes, clock: o.clock, logger: o.logger });
  const newId = createIdSupply(api);
  const folders = createFolderResolver(api, o.folders, o.parentFolderId ?? 'root', newId);
  const inventory = createInventory(api, folders, newId);

  // What is in each folder, listed once per folder per run (a new folder needs no list): the check that keeps a
  // name from being used twice costs a request per folder, not per file. Drive allows two files of one name.
  const folderFiles = new Map<string, { folder: readonly string[]; files: Promise<Map<string, ListedFile[]>> }>();
  const filesIn = (folderId: string, folder: readonly string[]): Promise<Map<string, ListedFile[]>> => {
    let entry = folderFiles.get(folderId);
    if (!entry) {
      const files: Promise<Map<string, ListedFile[]>> = folders.isNew(folderId) ? Promise.resolve(new Map()) : listChildren(folderId).then(({ files: listed }) => byName(listed));
      entry = { folder, files };
      folderFiles.set(folderId, entry);
      files.catch(() => folderFiles.delete(folderId));
    }
    return entry.files;
  };

  async function listChildren(folderId: string): Promise<FolderListing> {
    const listing: FolderListing = { files: [], folders: [] };
    let pageToken: string | undefined;
    do {
      const answer = await api.read('list', (c) =>
        api.files.list(
          {
            q: `'${escapeQuery(folderId)}' in parents and trashed = false`,
            fields: `nextPageToken, files(${FILE_FIELDS})`,
            pageSize: 1000,
            pageToken,
            supportsAllDrives: true,
            includeItemsFromAllDrives: true,
          },
          c,
        ),
      );
      for (const f of answer.data.files ?? []) {
        if (f.mimeType === FOLDER_MIME) listing.folders.push(f.name ?? '');
        // Our own bookkeeping, not a stored copy: verify must not call it unexpected.
        else if (!isInventoryFile(f.appProperties)) listing.files.push(await listed(f));
      }
      pageToken = answer.data.nextPageToken ?? undefined;
    } while (pageToken);
    return listing;
  }

  /** A listed file with its identity: from its appProperties, else from the inventory of older files. */
  async function listed(f: DriveFile): Promise<ListedFile> {
    const id = f.id ?? '';
    return {
      name: f.name ?? '',
      size: Number(f.size ?? 0),
      location: id,
      checksum: f.sha256Checksum ? `sha256:${f.sha256Checksum}` : null,
      identity: identityFromProperties(id, f.appProperties) ?? (await inventory.identityOf(id)),
    };
  }

  /** The file with this id (our token), if it exists and is not trashed. */
  async function byId(fileId: string): Promise<ListedFile | null> {
    try {
      const answer = await api.read('get', (c) => api.files.get({ fileId, fields: FILE_FIELDS, supportsAllDrives: true }, c));
      return answer.data.trashed ? null : listed(answer.data);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  const storedAs = (file: ListedFile, created: boolean): StoredFile => ({ location: file.location, size: file.size, created, checksum: file.checksum });

  return {
    id: googleDriveId(o.parentFolderId),
    api,
    newToken: newId,
    requests: () => api.requests,

    async check() {
      await api.read('about', (c) => api.about.get({ fields: 'user(emailAddress), storageQuota' }, c));
    },

    async put(request: PutRequest): Promise<StoredFile> {
      assertSafeName(request.name);
      request.folder.forEach(assertSafeName);
      const { identity } = request;
      const parentId = await folders.resolve(request.folder);
      const known = await filesIn(parentId, request.folder);
      const atName = known.get(request.name) ?? [];
      if (atName.length > 0) {
        // Drive would happily make a second file of the same name; the contract is to refuse, unless it is ours.
        const same = atName.find((f) => isSameCopy(f, identity));
        if (same) return storedAs(same, false);
        const sameBytes = atName.find((f) => f.checksum === `sha256:${identity.sha256}`);
        if (sameBytes) {
          // The document, stored before identities were kept: from now on the inventory says whose it is.
          await inventory.record([{ folder: request.folder, name: request.name, location: sameBytes.location, identity }]);
          return storedAs(sameBytes, false);
        }
        // Our own upload may be too new to be listed yet.
        const ours = await byId(identity.token);
        if (ours) return storedAs(ours, false);
        throw new NameTakenError(request.folder, request.name);
      }
      let stored: StoredFile;
      try {
        const uploaded = await uploadNewFile(api, {
          id: identity.token,
          name: request.name,
          parentId,
          contentType: request.contentType,
          body: request.body,
          appProperties: identityProperties(identity),
        });
        stored = { location: uploaded.id, size: uploaded.size, created: true, checksum: `sha256:${uploaded.sha256 ?? identity.sha256}` };
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
        // Already created under this token by an attempt whose answer never reached us.
        const ours = await byId(identity.token);
        if (!ours) throw error;
        stored = storedAs(ours, false);
      }
      known.set(request.name, [...atName, { name: request.name, size: stored.size, location: stored.location, checksum: stored.checksum, identity }]);
      return stored;
    },

    async list(folder): Promise<FolderListing> {
      const listing: FolderListing = { files: [], folders: [] };
      for (const folderId of await folders.locateAll(folder)) {
        const part = await listChildren(folderId);
        listing.files.push(...part.files);
        listing.folders.push(...part.folders.filter((name) => !listing.folders.includes(name)));
        // What puts into this folder go by from now on: a file removed since the last listing is gone for them too.
        folderFiles.set(folderId, { folder, files: Promise.resolve(byName(part.files)) });
      }
      return listing;
    },

    async recordIdentities(files) {
      await inventory.record(files);
    },

    async foldersSeen() {
      // Twin folders of one path (two runs created it at once) are one folder to the ledger: their names together.
      const seen = new Map<string, { folder: readonly string[]; names: Set<string> }>();
      for (const { folder, files } of folderFiles.values()) {
        const entry = seen.get(folder.join('/')) ?? { folder, names: new Set<string>() };
        for (const name of (await files).keys()) entry.names.add(name);
        seen.set(folder.join('/'), entry);
      }
      return [...seen.values()];
    },
  };
}

function byName(files: readonly ListedFile[]): Map<string, ListedFile[]> {
  const map = new Map<string, ListedFile[]>();
  for (const f of files) map.set(f.name, [...(map.get(f.name) ?? []), f]);
  return map;
}
