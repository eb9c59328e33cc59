// One user's Dropbox namespace in memory, by real path (an App-folder app's "/" is "/Apps/<app name>" here). It knows
// nothing of HTTP or of what the app may see; handlers validate and call it. Paths are keyed lower-cased; each item
// keeps the case it was created with, so a display path is built from the items themselves. Every change takes the
// next sequence number, which is what list_folder/continue reports changes by.
import { randomBytes } from 'node:crypto';
import { contentHash } from './contentHash.js';
import { writeConflict } from './errors.js';

export interface StoredItem {
  kind: 'file' | 'folder';
  /** "id:" and 22 url-safe characters, stable across renames and moves, never reused. */
  id: string;
  name: string;
  /** Real path, lower-cased: "/apps/baselinker backup/2026/fv_1.pdf". */
  lowerPath: string;
  parentLower: string;
  content: Buffer | null;
  contentHash: string | null;
  rev: string | null;
  clientModified: number;
  serverModified: number;
  seq: number;
  /** Put there by a person (a test's seed), not through the API. */
  byHand: boolean;
}

export interface DeletedItem {
  name: string;
  lowerPath: string;
  displayPath: string;
  seq: number;
}

const childPath = (parentLower: string, name: string) => `${parentLower}/${name.toLowerCase()}`;

export class NamespaceStore {
  private readonly items = new Map<string, StoredItem>();
  private readonly ids = new Map<string, string>();
  readonly deleted = new Map<string, DeletedItem>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  get(lowerPath: string): StoredItem | undefined {
    return this.items.get(lowerPath);
  }

  byId(id: string): StoredItem | undefined {
    const p = this.ids.get(id);
    return p === undefined ? undefined : this.items.get(p);
  }

  /** The last change's sequence number. */
  get sequence(): number {
    return this.seq;
  }

  /** "/Apps/BaseLinker Backup/2026/FV_1.pdf": each name as its item was created. */
  displayPath(item: StoredItem): string {
    const names = [item.name];
    for (let p = item.parentLower; p !== ''; ) {
      const parent = this.items.get(p);
      names.unshift(parent ? parent.name : (p.split('/').pop() ?? ''));
      p = parent ? parent.parentLower : parentOf(p);
    }
    return `/${names.join('/')}`;
  }

  /** Items directly in a folder, oldest first. */
  children(lowerPath: string): StoredItem[] {
    return [...this.items.values()].filter((i) => i.parentLower === lowerPath);
  }

  /** Every item below a folder (not the folder itself), oldest first. */
  below(lowerPath: string): StoredItem[] {
    const prefix = `${lowerPath}/`;
    return [...this.items.values()].filter((i) => i.lowerPath.startsWith(prefix));
  }

  all(): StoredItem[] {
    return [...this.items.values()];
  }

  /**
   * The folder `names` (below the root), made as needed, as Dropbox makes a commit's parents implicitly. A file in
   * the way is a conflict with a file ancestor.
   */
  ensureFolders(names: readonly string[]): string {
    let parent = '';
    for (const name of names) {
      const path = childPath(parent, name);
      const existing = this.items.get(path);
      if (existing?.kind === 'file') throw writeConflict('file_ancestor');
      if (!existing) this.add('folder', parent, name, null, this.now(), false);
      parent = path;
    }
    return parent;
  }

  addFolder(parentLower: string, name: string, byHand = false): StoredItem {
    return this.add('folder', parentLower, name, null, this.now(), byHand);
  }

  addFile(parentLower: string, name: string, content: Buffer, clientModified: number, byHand = false): StoredItem {
    return this.add('file', parentLower, name, content, clientModified, byHand);
  }

  /** New bytes at the same path and id: a new revision. Only overwrite and update commits come here. */
  replace(item: StoredItem, content: Buffer, clientModified: number): void {
    item.content = Buffer.from(content);
    item.contentHash = contentHash(item.content);
    item.clientModified = clientModified;
    item.serverModified = this.now();
    item.seq = ++this.seq;
    item.rev = newRev(item.seq);
  }

  /** Removes an item and everything below it; they are listed as deleted from then on. */
  remove(item: StoredItem): StoredItem[] {
    const gone = [item, ...(item.kind === 'folder' ? this.below(item.lowerPath) : [])];
    for (const g of gone) {
      const seq = ++this.seq;
      this.deleted.set(g.lowerPath, { name: g.name, lowerPath: g.lowerPath, displayPath: this.displayPath(g), seq });
    }
    for (const g of gone) this.items.delete(g.lowerPath);
    return gone;
  }

  /** Moves an item (and what is below it) under another folder and/or name; ids stay. */
  move(item: StoredItem, newParentLower: string, newName: string): void {
    const from = item.lowerPath;
    const to = childPath(newParentLower, newName);
    const moving = [item, ...(item.kind === 'folder' ? this.below(from) : [])];
    for (const m of moving) {
      this.deleted.set(m.lowerPath, { name: m.name, lowerPath: m.lowerPath, displayPath: this.displayPath(m), seq: ++this.seq });
      this.items.delete(m.lowerPath);
    }
    for (const m of moving) {
      m.lowerPath = to + m.lowerPath.slice(from.length);
      m.parentLower = m === item ? newParentLower : to + m.parentLower.slice(from.length);
      if (m === item) m.name = newName;
      m.seq = ++this.seq;
      this.items.set(m.lowerPath, m);
      this.ids.set(m.id, m.lowerPath);
      this.deleted.delete(m.lowerPath);
    }
  }

  usedBytes(): number {
    let total = 0;
    for (const i of this.items.values()) total += i.content?.length ?? 0;
    return total;
  }

  private add(kind: 'file' | 'folder', parentLower: string, name: string, content: Buffer | null, clientModified: number, byHand: boolean): StoredItem {
    const seq = ++this.seq;
    const item: StoredItem = {
      kind,
      id: `id:${randomBytes(16).toString('base64url').slice(0, 22)}`,
      name,
      lowerPath: childPath(parentLower, name),
      parentLower,
      content: content === null ? null : Buffer.from(content),
      contentHash: content === null ? null : contentHash(content),
      rev: kind === 'file' ? newRev(seq) : null,
      clientModified,
      serverModified: this.now(),
      seq,
      byHand,
    };
    this.items.set(item.lowerPath, item);
    this.ids.set(item.id, item.lowerPath);
    this.deleted.delete(item.lowerPath);
    return item;
  }
}

export function parentOf(lowerPath: string): string {
  return lowerPath.slice(0, lowerPath.lastIndexOf('/'));
}

/** A rev: at least 9 lower-case hex digits (files.stone Rev), different for every revision. */
function newRev(seq: number): string {
  return `${seq.toString(16).padStart(9, '0')}${randomBytes(3).toString('hex')}`;
}
