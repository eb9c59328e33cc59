// Identities of files that were stored without appProperties (by an older version of this program), kept in small
// JSON files of our own in `<root>/.baselinker-backup/`, so that a lost ledger adopts those files too. Read only
// when a listed file carries no identity of its own: a search for our inventory files, then one download each.
import type { FileIdentity } from '../destination.js';
import type { DriveApi } from './driveApi.js';
import type { createFolderResolver } from './folders.js';
import { uploadNewFile } from './upload.js';

const MARKER = 'blbInventory';
export const STATE_FOLDER = '.baselinker-backup';

export interface InventoryEntry {
  folder: readonly string[];
  name: string;
  location: string;
  identity: FileIdentity;
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
      const byRoot = new Map<string, InventoryEntry[]>();
      for (const e of entries) byRoot.set(e.folder[0] ?? '', [...(byRoot.get(e.folder[0] ?? '') ?? []), e]);
      for (const [root, group] of byRoot) {
        const parentId = await folders.resolve(root ? [root, STATE_FOLDER] : [STATE_FOLDER]);
        const body = JSON.stringify({ v: 1, files: group.map((e) => ({ path: [...e.folder, e.name].join('/'), location: e.location, identity: e.identity })) });
        const id = await newId();
        await uploadNewFile(api, {
          id,
          name: `identities-${new Date().toISOString().replace(/[:.]/g, '-')}-${id.slice(0, 8)}.json`,
          parentId,
          contentType: 'application/json',
          body: new Uint8Array(Buffer.from(body)),
          appProperties: { [MARKER]: '1' },
        });
        const map = byLocation ? await byLocation : null;
        for (const e of group) map?.set(e.location, e.identity);
      }
    },
  };
}

function parseInventory(text: string): { location: string; identity: FileIdentity }[] {
  try {
    const parsed = JSON.parse(text) as { v?: number; files?: { location?: unknown; identity?: FileIdentity }[] };
    if (parsed.v !== 1 || !Array.isArray(parsed.files)) return [];
    return parsed.files.flatMap((f) => (typeof f.location === 'string' && f.identity && typeof f.identity.sourceId === 'string' ? [{ location: f.location, identity: f.identity }] : []));
  } catch {
    return [];
  }
}
