// Listing a folder: list_folder, then list_folder/continue while has_more, page by page (a page may hold fewer
// entries than asked for; only has_more says whether more come). A folder that does not exist lists as empty.
import type { DropboxApi } from './dropboxApi.js';
import { DropboxRouteError } from './errors.js';
import { parseListPage } from './wire.js';

export interface DropboxEntry {
  kind: 'file' | 'folder';
  name: string;
  pathDisplay: string;
  id: string;
  /** Files only. */
  size?: number;
  contentHash?: string;
}

/** The entries of `path` ("" for the app's root), with everything below it when `recursive`. */
export async function* listFolder(api: DropboxApi, path: string, o: { recursive?: boolean } = {}): AsyncGenerator<DropboxEntry> {
  let page;
  try {
    page = parseListPage(await api.rpc('files/list_folder', { path, recursive: o.recursive ?? false, limit: 2000 }), 'files/list_folder');
  } catch (error) {
    if (error instanceof DropboxRouteError && error.has('not_found')) return;
    throw error;
  }
  for (;;) {
    for (const e of page.entries) {
      // A recursive listing starts with the folder itself; its caller asked for what is inside.
      if (e.kind === 'deleted' || (o.recursive && e.pathLower === path.toLowerCase())) continue;
      yield e.kind === 'file'
        ? { kind: 'file', name: e.name, pathDisplay: e.pathDisplay, id: e.id, size: e.size, ...(e.contentHash ? { contentHash: e.contentHash } : {}) }
        : { kind: 'folder', name: e.name, pathDisplay: e.pathDisplay, id: e.id };
    }
    if (!page.hasMore) return;
    page = parseListPage(await api.rpc('files/list_folder/continue', { cursor: page.cursor }), 'files/list_folder/continue');
  }
}
