// Reading a OneDrive folder and making sure one exists. Paths are below the destination's root: the app's folder
// (me/drive/special/approot, i.e. Apps/<app name>) or the drive's root. Each path segment is percent-encoded on its
// own, as Graph wants (onedrive "addressing-driveitems").
import type { GraphApi } from './graphApi.js';
import { registerSecret } from '../../lib/secrets.js';
import { nameKey, nameProblem, pathProblem } from './names.js';

/** Where the destination's paths start. */
export type DriveRoot = 'approot' | 'root';

export interface OneDriveDrive {
  api: GraphApi;
  root: DriveRoot;
  /** OneDrive for Business refuses more names. */
  business: boolean;
}

export interface DriveItem {
  id: string;
  name: string;
  size: number;
  file?: { mimeType?: string; hashes?: { quickXorHash?: string; sha256Hash?: string } };
  folder?: { childCount?: number };
  /** A short-lived pre-authenticated address of the bytes, when asked for: a credential, never logged. */
  downloadUrl?: string;
}

/** A folder by its path below the root, or by its item id. */
export type FolderRef = { parentPath: readonly string[] } | { parentId: string };

const LIST_FIELDS = 'id,name,size,file,folder';
const DOWNLOAD_URL = '@microsoft.graph.downloadUrl';
const PAGE_SIZE = '1000';

/** The Graph address of a folder (no trailing colon, so an action or a child path can follow). */
export function folderAddress(drive: OneDriveDrive, ref: FolderRef): string {
  if ('parentId' in ref) return `me/drive/items/${encodeURIComponent(ref.parentId)}`;
  const base = drive.root === 'approot' ? 'me/drive/special/approot' : 'me/drive/root';
  return ref.parentPath.length === 0 ? base : `${base}:/${encodePath(ref.parentPath)}:`;
}

/**
 * The Graph path of `name` inside a folder, without the closing colon: callers write ":" (the item),
 * ":/content" or ":/createUploadSession" after it, so every upload in the source reads as addressed by name.
 */
export function childPath(drive: OneDriveDrive, ref: FolderRef, name: string): string {
  if ('parentId' in ref) return `me/drive/items/${encodeURIComponent(ref.parentId)}:/${encodeURIComponent(name)}`;
  const base = drive.root === 'approot' ? 'me/drive/special/approot' : 'me/drive/root';
  return `${base}:/${encodePath([...ref.parentPath, name])}`;
}

function encodePath(segments: readonly string[]): string {
  return segments.map(encodeURIComponent).join('/');
}

/** A folder's children, every page of them; none when the folder does not exist. */
export async function listChildren(drive: OneDriveDrive, ref: FolderRef): Promise<DriveItem[]> {
  return (await listFolder(drive, ref)) ?? [];
}

/**
 * A folder's children, every page of them, or null when the folder does not exist. With `downloadUrls`, each file
 * comes with the address its bytes can be read from, so reading them costs no request to Graph itself.
 */
export async function listFolder(drive: OneDriveDrive, ref: FolderRef, o: { downloadUrls?: boolean } = {}): Promise<DriveItem[] | null> {
  const what = `list ${describe(ref)}`;
  const items: DriveItem[] = [];
  let next: string | undefined = `${folderAddress(drive, ref)}/children`;
  let query: Record<string, string> | undefined = { $select: o.downloadUrls ? `${LIST_FIELDS},${DOWNLOAD_URL}` : LIST_FIELDS, $top: PAGE_SIZE };
  while (next) {
    const page = await drive.api.send({ what, method: 'GET', path: next, ...(query ? { query } : {}), accept: [404] });
    if (page.status === 404) return null;
    const value = page.json['value'];
    if (!Array.isArray(value)) throw new Error(`OneDrive ${what}: the answer has no list of items`);
    items.push(...value.map((v: unknown) => driveItem(v, what)));
    const link = page.json['@odata.nextLink'];
    // The next link is absolute and carries every query option itself.
    next = typeof link === 'string' ? link : undefined;
    query = undefined;
  }
  return items;
}

/** The item called `name` in a folder (any case), or null. */
export async function findChild(drive: OneDriveDrive, ref: FolderRef, name: string): Promise<DriveItem | null> {
  const what = `look up ${describe(ref, name)}`;
  const r = await drive.api.send({ what, method: 'GET', path: `${childPath(drive, ref, name)}:`, query: { $select: LIST_FIELDS }, accept: [404] });
  return r.status === 404 ? null : driveItem(r.json, what);
}

/**
 * Makes sure a folder path exists and answers its item. One read when it does; otherwise one folder at a time from
 * the top, each created with conflictBehavior "fail", so a folder made meanwhile (by another run, or by the owner)
 * is a 409 that is then read, never a second folder. Folders found in the process are remembered, and below a
 * folder this process made nothing is looked up: it holds only what the process put there.
 */
export class FolderMaker {
  private readonly known = new Map<string, Promise<DriveItem>>();
  /** Folders this process created (keys as below). */
  private readonly made = new Set<string>();

  constructor(private readonly drive: OneDriveDrive) {}

  /** Whether this process created the folder at `path`: it holds nothing but what the process put there. */
  madeHere(path: readonly string[]): boolean {
    return this.made.has(folderKey(path));
  }

  /** Whether no folder can be at `path`: one above it was created by this process, and it was not (yet). */
  surelyMissing(path: readonly string[]): boolean {
    if (this.madeHere(path)) return false;
    for (let i = path.length - 1; i > 0; i--) if (this.madeHere(path.slice(0, i))) return true;
    return false;
  }

  /** `missing`: a listing just found no folder at `path`, so its own look-up is skipped (its parents are looked up). */
  ensure(path: readonly string[], o: { missing?: boolean } = {}): Promise<DriveItem> {
    for (const segment of path) {
      const problem = nameProblem(segment, { business: this.drive.business });
      if (problem) throw new Error(`the folder name ${JSON.stringify(segment)} ${problem}`);
    }
    const tooLong = pathProblem(path);
    if (tooLong) throw new Error(`the folder path ${path.join('/')} ${tooLong}`);
    const key = folderKey(path);
    let found = this.known.get(key);
    if (!found) {
      const missing = path.length > 0 && (o.missing || this.surelyMissing(path));
      found = missing ? this.ensure(path.slice(0, -1)).then((parent) => this.make(parent, path)) : this.lookUpOrMake(path);
      this.known.set(key, found);
      found.catch(() => this.known.delete(key));
    }
    return found;
  }

  private async lookUpOrMake(path: readonly string[]): Promise<DriveItem> {
    const what = `look up ${path.join('/') || 'the backup folder'}`;
    const r = await this.drive.api.send({ what, method: 'GET', path: folderAddress(this.drive, { parentPath: path }), query: { $select: LIST_FIELDS }, accept: [404] });
    if (r.status !== 404) return asFolder(driveItem(r.json, what), path);
    // The app folder is made by the first GET of it, so only a folder below the root can be missing.
    if (path.length === 0) throw new Error(`OneDrive ${what}: the drive has no such root folder`);
    const parent = await this.ensure(path.slice(0, -1));
    return this.make(parent, path);
  }

  private async make(parent: DriveItem, path: readonly string[]): Promise<DriveItem> {
    const name = path[path.length - 1]!;
    const what = `create folder ${path.join('/')}`;
    const r = await this.drive.api.send({
      what,
      method: 'POST',
      path: `${folderAddress(this.drive, { parentId: parent.id })}/children`,
      json: { name, folder: {}, '@microsoft.graph.conflictBehavior': 'fail' },
      accept: [409],
    });
    if (r.status !== 409) {
      this.made.add(folderKey(path));
      return asFolder(driveItem(r.json, what), path);
    }
    const existing = await findChild(this.drive, { parentId: parent.id }, name);
    if (!existing) throw new Error(`OneDrive ${what}: the name is taken, yet nothing by that name can be read`);
    return asFolder(existing, path);
  }
}

/** A folder path as OneDrive tells paths apart: without regard to case. */
function folderKey(path: readonly string[]): string {
  return path.map(nameKey).join('/');
}

function asFolder(item: DriveItem, path: readonly string[]): DriveItem {
  if (!item.folder) throw new Error(`OneDrive holds a file where the folder ${path.join('/')} should be`);
  return item;
}

/** A driveItem from Graph's JSON, keeping what this program reads. */
export function driveItem(v: unknown, what: string): DriveItem {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o['id'] !== 'string' || typeof o['name'] !== 'string') throw new Error(`OneDrive ${what}: an item without an id or a name`);
  const item: DriveItem = { id: o['id'], name: o['name'], size: typeof o['size'] === 'number' ? o['size'] : 0 };
  if (o['file'] && typeof o['file'] === 'object') item.file = o['file'] as NonNullable<DriveItem['file']>;
  if (o['folder'] && typeof o['folder'] === 'object') item.folder = o['folder'] as NonNullable<DriveItem['folder']>;
  if (typeof o[DOWNLOAD_URL] === 'string') {
    item.downloadUrl = o[DOWNLOAD_URL];
    registerSecret(item.downloadUrl);
  }
  return item;
}

function describe(ref: FolderRef, name?: string): string {
  const where = 'parentId' in ref ? `folder ${ref.parentId}` : ref.parentPath.join('/') || 'the backup folder';
  return name === undefined ? where : `${name} in ${where}`;
}
