import type { DriveApi } from './driveApi.js';
import { statusOf } from './errors.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** Where folder ids are kept between runs (the ledger). */
export interface FolderIdStore {
  get(folderPath: string): { folderId: string; confirmed: boolean } | null;
  save(folderPath: string, folderId: string, confirmed: boolean): void;
}

/**
 * Resolves folder paths to Drive ids, creating what is missing, one folder at a time. A folder id, once known, is
 * kept and trusted (a get by id does not depend on the search index, which can lag for minutes). A new folder's
 * id is generated and recorded before it is created, so a retry or a crash can never make a second one. When
 * duplicates exist anyway (made by someone else, or by another process creating the same folder at the same moment:
 * several shards of one installation start at once), the oldest wins, then the lowest id; none is touched. A folder
 * this process has just created is looked up once more, so that two processes that raced settle on the same one.
 */
export function createFolderResolver(api: DriveApi, store: FolderIdStore, rootParentId: string, newId: () => Promise<string>) {
  // One lookup per path at a time: two uploads into a new folder must not both create it.
  const known = new Map<string, Promise<string>>();
  /** Folders this process created: known to be empty but for what it put there itself. */
  const createdHere = new Set<string>();

  function child(parentId: string, name: string, folderPath: string): Promise<string> {
    let id = known.get(folderPath);
    if (!id) {
      id = findOrCreate(parentId, name, folderPath);
      known.set(folderPath, id);
      id.catch(() => known.delete(folderPath));
    }
    return id;
  }

  async function findOrCreate(parentId: string, name: string, folderPath: string): Promise<string> {
    const recorded = store.get(folderPath);
    let id: string;
    if (recorded?.confirmed) {
      id = recorded.folderId;
    } else if (recorded) {
      id = await createWithId(recorded.folderId, name, parentId);
    } else {
      const found = await findExisting(parentId, name);
      if (found) {
        id = found;
      } else {
        const fresh = await newId();
        store.save(folderPath, fresh, false);
        await createWithId(fresh, name, parentId);
        // Another process may have made the same folder meanwhile: the oldest of the two is the one both use.
        id = (await findExisting(parentId, name)) ?? fresh;
        if (id === fresh) createdHere.add(id);
      }
    }
    store.save(folderPath, id, true);
    return id;
  }

  async function findExisting(parentId: string, name: string): Promise<string | null> {
    return (await findAll(parentId, name))[0] ?? null;
  }

  /** Every folder of this name in the parent, the oldest first (then by id). */
  async function findAll(parentId: string, name: string): Promise<string[]> {
    const q = `name = '${escapeQuery(name)}' and '${escapeQuery(parentId)}' in parents and mimeType = '${FOLDER_MIME}' and trashed = false`;
    const matches: { id: string; createdTime: string }[] = [];
    let pageToken: string | undefined;
    do {
      const answer = await api.read('list folders', (o) =>
        api.files.list(
          { q, fields: 'nextPageToken, files(id, name, createdTime)', pageSize: 100, pageToken, supportsAllDrives: true, includeItemsFromAllDrives: true },
          o,
        ),
      );
      // Drive's "name =" ignores case; a folder named "invoices" is not ours.
      for (const f of answer.data.files ?? []) if (f.name === name && f.id) matches.push({ id: f.id, createdTime: f.createdTime ?? '' });
      pageToken = answer.data.nextPageToken ?? undefined;
    } while (pageToken);
    matches.sort((a, b) => (a.createdTime < b.createdTime ? -1 : a.createdTime > b.createdTime ? 1 : a.id < b.id ? -1 : 1));
    return matches.map((m) => m.id);
  }

  async function createWithId(id: string, name: string, parentId: string): Promise<string> {
    try {
      await api.write('create folder', (o) =>
        api.files.create({ requestBody: { id, name, mimeType: FOLDER_MIME, parents: [parentId] }, fields: 'id', supportsAllDrives: true }, o),
      );
    } catch (error) {
      // 409: a folder with this id exists, made by an earlier attempt whose answer was lost.
      if (statusOf(error) !== 409) throw error;
    }
    return id;
  }

  return {
    /** The id of the folder at this path under the root parent, created if needed. */
    async resolve(folder: readonly string[]): Promise<string> {
      let parentId = rootParentId;
      for (let i = 0; i < folder.length; i++) parentId = await child(parentId, folder[i]!, folder.slice(0, i + 1).join('/'));
      return parentId;
    },
    /** Whether this process made the folder, so nothing but its own uploads can be in it. */
    isNew(folderId: string): boolean {
      return createdHere.has(folderId);
    },
    /**
     * Every folder at this path, without creating anything (verification, adoption): from the ledger when it knows
     * the folder, else found by name (a lost ledger). Where processes raced and made two folders of one path, both
     * are returned, so that what went into either is seen.
     */
    async locateAll(folder: readonly string[]): Promise<string[]> {
      let ids = [rootParentId];
      for (let i = 0; i < folder.length; i++) {
        const recorded = store.get(folder.slice(0, i + 1).join('/'));
        const next: string[] = [];
        for (const parentId of ids) next.push(...(await findAll(parentId, folder[i]!)));
        if (recorded?.confirmed && !next.includes(recorded.folderId)) next.unshift(recorded.folderId);
        if (next.length === 0) return [];
        ids = [...new Set(next)];
      }
      return ids;
    },
  };
}

/** Drive's query strings: backslash and single quote are escaped with a backslash. */
export function escapeQuery(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
