// One user's drive in memory: a tree of folders and files with OneDrive's rules for names (unique in a folder
// without regard to case, case kept as given). It knows nothing of HTTP; handlers validate and then call it.
// Ids look like the real ones ("D4648F06C91D9D3D!101" on a personal drive, 34 base32 characters on a business
// one), so a client that puts ids in URLs meets the "!" it will meet in production.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sameName } from './names.js';
import { quickXorHash } from './quickXorHash.js';

export type DriveType = 'personal' | 'business';

export interface StoredItem {
  id: string;
  name: string;
  /** Null only for the drive's root. */
  parentId: string | null;
  /** File bytes; null for folders. */
  content: Buffer | null;
  mimeType: string | undefined;
  createdAt: number;
  modifiedAt: number;
  /** Bumped on every change; part of eTag and cTag. */
  version: number;
  /** Fixed per item: the GUID inside its eTag and cTag. */
  tagId: string;
  /** Made by a test "by hand" (seed), not through the API. */
  byHand: boolean;
  special?: 'approot';
  description?: string;
}

/** A stored item as tests inspect it. */
export interface EmulatorItem {
  id: string;
  name: string;
  /** Below the drive's root, e.g. "Apps/BaseLinker Backup/2026/11/Invoices/FV_1.pdf". */
  path: string;
  folder: boolean;
  size: number;
  content: Buffer;
  quickXorHash?: string;
  createdAt: string;
  modifiedAt: string;
  version: number;
  byHand: boolean;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class DriveStore {
  readonly driveId: string;
  readonly rootId: string;
  private readonly items = new Map<string, StoredItem>();
  private nextNumber = 101;

  constructor(
    readonly driveType: DriveType,
    private readonly now: () => number,
  ) {
    this.driveId = driveType === 'personal' ? randomBytes(8).toString('hex') : `b!${randomBytes(48).toString('base64url')}`;
    const root = this.blank(this.newId(), 'root', null, null);
    this.rootId = root.id;
    this.items.set(root.id, root);
  }

  get(id: string): StoredItem | undefined {
    return this.items.get(id);
  }

  root(): StoredItem {
    return this.items.get(this.rootId)!;
  }

  isFolder(item: StoredItem): boolean {
    return item.content === null;
  }

  children(parentId: string): StoredItem[] {
    return [...this.items.values()].filter((i) => i.parentId === parentId);
  }

  child(parentId: string, name: string): StoredItem | undefined {
    return this.children(parentId).find((i) => sameName(i.name, name));
  }

  /** Path below the root, without a leading slash ("" for the root). */
  path(item: StoredItem): string {
    const names: string[] = [];
    for (let cur: StoredItem | undefined = item; cur && cur.parentId !== null; cur = this.items.get(cur.parentId)) names.unshift(cur.name);
    return names.join('/');
  }

  /** True when `item` is `ancestor` or lies below it. */
  isWithin(item: StoredItem, ancestorId: string): boolean {
    for (let cur: StoredItem | undefined = item; cur; cur = cur.parentId === null ? undefined : this.items.get(cur.parentId)) {
      if (cur.id === ancestorId) return true;
    }
    return false;
  }

  approot(): StoredItem | undefined {
    return [...this.items.values()].find((i) => i.special === 'approot');
  }

  createFolder(parent: StoredItem, name: string, byHand = false): StoredItem {
    const f = this.blank(this.newId(), name, parent.id, null);
    f.byHand = byHand;
    this.items.set(f.id, f);
    this.touch(parent);
    return f;
  }

  createFile(parent: StoredItem, name: string, content: Buffer, mimeType: string, byHand = false): StoredItem {
    const f = this.blank(this.newId(), name, parent.id, Buffer.from(content));
    f.mimeType = mimeType;
    f.byHand = byHand;
    this.items.set(f.id, f);
    this.touch(parent);
    return f;
  }

  replaceContent(item: StoredItem, content: Buffer, mimeType: string): void {
    item.content = Buffer.from(content);
    item.mimeType = mimeType;
    this.touch(item);
  }

  /** Deletes an item and everything below it. */
  delete(id: string): void {
    for (const c of this.children(id)) this.delete(c.id);
    const item = this.items.get(id);
    this.items.delete(id);
    const parent = item?.parentId ? this.items.get(item.parentId) : undefined;
    if (parent) this.touch(parent);
  }

  touch(item: StoredItem): void {
    item.modifiedAt = this.now();
    item.version++;
  }

  /** "name 1.ext", "name 2.ext"…: what conflictBehavior=rename makes of a taken name. */
  freeName(parentId: string, name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 1; ; n++) {
      const candidate = `${stem} ${n}${ext}`;
      if (!this.child(parentId, candidate)) return candidate;
    }
  }

  usedBytes(): number {
    let total = 0;
    for (const i of this.items.values()) total += i.content?.length ?? 0;
    return total;
  }

  all(): StoredItem[] {
    return [...this.items.values()].filter((i) => i.parentId !== null);
  }

  snapshot(item: StoredItem): EmulatorItem {
    const out: EmulatorItem = {
      id: item.id,
      name: item.name,
      path: this.path(item),
      folder: this.isFolder(item),
      size: this.size(item),
      content: Buffer.from(item.content ?? Buffer.alloc(0)),
      createdAt: new Date(item.createdAt).toISOString(),
      modifiedAt: new Date(item.modifiedAt).toISOString(),
      version: item.version,
      byHand: item.byHand,
    };
    if (item.content) out.quickXorHash = quickXorHash(item.content);
    return out;
  }

  /** Every item as a path, sorted; folders end in "/". */
  tree(): string[] {
    return this.all()
      .map((i) => `${this.path(i)}${this.isFolder(i) ? '/' : ''}`)
      .sort();
  }

  /** A folder's size is the sum of what lies below it, as Graph reports it. */
  size(item: StoredItem): number {
    if (item.content) return item.content.length;
    return this.children(item.id).reduce((sum, c) => sum + this.size(c), 0);
  }

  private newId(): string {
    if (this.driveType === 'personal') return `${this.driveId.toUpperCase()}!${this.nextNumber++}`;
    let id = '01';
    for (const b of randomBytes(32)) id += BASE32[b % 32];
    return id;
  }

  private blank(id: string, name: string, parentId: string | null, content: Buffer | null): StoredItem {
    const t = this.now();
    return { id, name, parentId, content, mimeType: undefined, createdAt: t, modifiedAt: t, version: 1, tagId: randomUUID().toUpperCase(), byHand: false };
  }
}

export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').toUpperCase();
}
