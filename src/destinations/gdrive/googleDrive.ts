import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { assertSafeName, NameTakenError, type Destination, type ListedFile, type PutRequest, type StoredFile } from '../destination.js';
import { DriveApi } from './driveApi.js';
import { statusOf } from './errors.js';
import { createFolderResolver, escapeQuery, FOLDER_MIME, type FolderIdStore } from './folders.js';
import { createIdSupply } from './ids.js';
import type { OAuthClient } from './oauth.js';
import { uploadNewFile } from './upload.js';

export interface GoogleDriveOptions {
  auth: OAuthClient;
  rootUrl: string;
  /** Where the top folder goes: a folder or shared drive id, or My Drive's root. */
  parentFolderId: string | null;
  writesPerSecond: number;
  folders: FolderIdStore;
  clock: Clock;
  logger: Logger;
}

export function googleDriveId(parentFolderId: string | null): string {
  return parentFolderId ? `gdrive:${parentFolderId}` : 'gdrive';
}

/**
 * The owner's Google Drive. Every file is created with a pre-generated id, which is the put's token: a retry, or a
 * re-run after a crash between the upload and the ledger, gets 409 for that id and adopts the file instead of
 * making a second one. In the normal path a new document costs one request (plus one generateIds per hundred).
 * There is no call here that deletes, trashes or changes the content of a file.
 */
export function googleDriveDestination(o: GoogleDriveOptions): Destination & { readonly api: DriveApi } {
  const api = new DriveApi({ auth: o.auth, rootUrl: o.rootUrl, writesPerSecond: o.writesPerSecond, clock: o.clock, logger: o.logger });
  const newId = createIdSupply(api);
  const folders = createFolderResolver(api, o.folders, o.parentFolderId ?? 'root', newId);

  // Names already in each folder, listed once per folder per run (a new folder needs no list): the check that
  // keeps a name from being used twice costs a request per folder, not per file.
  const folderNames = new Map<string, Promise<Set<string>>>();
  const namesIn = (folderId: string): Promise<Set<string>> => {
    let names = folderNames.get(folderId);
    if (!names) {
      names = folders.isNew(folderId) ? Promise.resolve(new Set<string>()) : listFiles(folderId).then((files) => new Set(files.map((f) => f.name)));
      folderNames.set(folderId, names);
      names.catch(() => folderNames.delete(folderId));
    }
    return names;
  };

  async function existing(fileId: string): Promise<{ location: string; size: number } | null> {
    try {
      const answer = await api.read('get', (c) => api.files.get({ fileId, fields: 'id, size, trashed', supportsAllDrives: true }, c));
      return answer.data.trashed ? null : { location: answer.data.id ?? fileId, size: Number(answer.data.size ?? 0) };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async function listFiles(folderId: string): Promise<ListedFile[]> {
    const files: ListedFile[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await api.read('list', (c) =>
        api.files.list(
          {
            q: `'${escapeQuery(folderId)}' in parents and mimeType != '${FOLDER_MIME}' and trashed = false`,
            fields: 'nextPageToken, files(name, size)',
            pageSize: 1000,
            pageToken,
            supportsAllDrives: true,
            includeItemsFromAllDrives: true,
          },
          c,
        ),
      );
      for (const f of answer.data.files ?? []) files.push({ name: f.name ?? '', size: Number(f.size ?? 0) });
      pageToken = answer.data.nextPageToken ?? undefined;
    } while (pageToken);
    return files;
  }

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
      const parentId = await folders.resolve(request.folder);
      const names = await namesIn(parentId);
      if (names.has(request.name)) {
        // Drive would happily make a second file of the same name; the contract is to refuse, unless it is ours.
        const ours = await existing(request.token);
        if (ours) return { ...ours, created: false };
        throw new NameTakenError(request.folder, request.name);
      }
      let stored: StoredFile;
      try {
        const uploaded = await uploadNewFile(api, { id: request.token, name: request.name, parentId, contentType: request.contentType, body: request.body });
        stored = { location: uploaded.id, size: uploaded.size, created: true };
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
        // Already created under this token by an attempt whose answer never reached us.
        const ours = await existing(request.token);
        if (!ours) throw error;
        stored = { ...ours, created: false };
      }
      names.add(request.name);
      return stored;
    },

    async list(folder): Promise<ListedFile[]> {
      const folderId = folders.lookup(folder);
      return folderId ? listFiles(folderId) : [];
    },
  };
}
