// Identities of files that were stored without appProperties (by an older version of this program), kept in the
// inventory files of ../inventory.ts, so that a lost ledger adopts those files too. Read only when a listed file
// carries no identity of its own: a search for our inventory files (marked by an appProperty), then one download
// each. Keyed by file id: a Drive file keeps its id whatever happens to its name.
import type { FileIdentity } from '../destination.js';
import { byStateFolder, inventoryBody, inventoryName, parseInventory, type InventoryEntry } from '../inventory.js';
import type { DriveApi } from './driveApi.js';
import type { createFolderResolver } from './folders.js';
import { uploadNewFile } from './upload.js';

const MARKER = 'blbInventory';

/** Whether a listed file is one of our inventory files (it carries the marker the upload set). */
export function isInventoryFile(appProperties: Record<string, string> | null | undefined): boolean {
  return appProperties?.[MARKER] === '1';
}

export function createInventory(api: DriveApi, folders: ReturnType<typeof createFolderResolver>, newId: () => Promise<string>) {
  let byLocation: Promise<Map<string, FileIdentity>> | null = null;

  async function load(): Promise<Map<string, FileIdentity>> {
    const map = new Map<string, FileIdentity>();
    let pageToken: string | undefined;
    const ids: string[] = [];
    do {
      const answer = await api.read('list inventories', (c) =>
        api.files.list(
          { q: `appProperties has { key='${MARKER}' and value='1' } and trashed = false`, fields: 'nextPageToken, files(id)', pageSize: 1000, pageToken, supportsAllDrives: true, includeItemsFromAllDrives: true },
          c,
        ),
      );
      for (const f of answer.data.files ?? []) if (f.id) ids.push(f.id);
      pageToken = answer.data.nextPageToken ?? undefined;
    } while (pageToken);
    for (const fileId of ids) {
      const text = await api.read('read inventory', async (c) => {
        const answer = await api.auth.request<string>({ url: `${c.rootUrl}drive/v3/files/${encodeURIComponent(fileId)}?alt=media&supportsAllDrives=true`, responseType: 'text', timeout: c.timeout, retry: false });
        return answer.data;
      });
      for (const entry of parseInventory(text)) map.set(entry.location, entry.identity);
    }
    return map;
  }

  return {
    async identityOf(fileId: string): Promise<FileIdentity | null> {
      byLocation ??= load().catch((error: unknown) => {
        byLocation = null;
        throw error;
      });
      return (await byLocation).get(fileId) ?? null;
    },

    /** Writes one inventory file per root folder for these entries (nothing when there are none). */
    async record(entries: readonly InventoryEntry[]): Promise<void> {
      for (const { stateFolder, entries: group } of byStateFolder(entries)) {
        const parentId = await folders.resolve(stateFolder);
        const id = await newId();
        await uploadNewFile(api, {
          id,
          name: inventoryName(new Date(), id.slice(0, 8)),
          parentId,
          contentType: 'application/json',
          body: inventoryBody(group),
          appProperties: { [MARKER]: '1' },
        });
        const map = byLocation ? await byLocation : null;
        for (const e of group) map?.set(e.location, e.identity);
      }
    },
  };
}
