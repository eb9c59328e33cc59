// What the app sees of the store. An App-folder app's "/" is "/Apps/<app name>": its paths are cut below that, and
// nothing outside it exists for the app. Metadata follows files.stone: a result declared FileMetadata (upload, a
// session finish, download) carries no ".tag"; one declared Metadata (get_metadata, list_folder entries) is tagged
// "file", "folder" or "deleted".
import { timestamp } from './stone.js';
import type { DeletedItem, NamespaceStore, StoredItem } from './store.js';

export interface AppView {
  /** The app's root as a real lower-cased path: "" for Full Dropbox, "/apps/baselinker backup" for an App folder. */
  rootLower: string;
}

/** The real lower-cased path of an app path's names. */
export function realLower(view: AppView, names: readonly string[]): string {
  return view.rootLower + names.map((n) => `/${n.toLowerCase()}`).join('');
}

/** Whether the app can see a real path at all. */
export function visible(view: AppView, lowerPath: string): boolean {
  return view.rootLower === '' || lowerPath.startsWith(`${view.rootLower}/`);
}

function appPaths(store: NamespaceStore, view: AppView, item: StoredItem | DeletedItem): { path_lower: string; path_display: string } {
  const display = 'displayPath' in item ? item.displayPath : store.displayPath(item);
  const cut = view.rootLower.length;
  return { path_lower: item.lowerPath.slice(cut), path_display: display.slice(cut) };
}

export function fileMetadata(store: NamespaceStore, view: AppView, item: StoredItem): Record<string, unknown> {
  return {
    name: item.name,
    ...appPaths(store, view, item),
    id: item.id,
    client_modified: timestamp(item.clientModified),
    server_modified: timestamp(item.serverModified),
    rev: item.rev,
    size: item.content?.length ?? 0,
    is_downloadable: true,
    content_hash: item.contentHash,
  };
}

export function folderMetadata(store: NamespaceStore, view: AppView, item: StoredItem): Record<string, unknown> {
  return { name: item.name, ...appPaths(store, view, item), id: item.id };
}

/** Metadata: the union, tagged. */
export function metadata(store: NamespaceStore, view: AppView, item: StoredItem): Record<string, unknown> {
  return item.kind === 'file' ? { '.tag': 'file', ...fileMetadata(store, view, item) } : { '.tag': 'folder', ...folderMetadata(store, view, item) };
}

export function deletedMetadata(store: NamespaceStore, view: AppView, item: DeletedItem): Record<string, unknown> {
  return { '.tag': 'deleted', name: item.name, ...appPaths(store, view, item) };
}
