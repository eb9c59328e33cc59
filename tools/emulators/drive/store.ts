// In-memory file store: the state of one user's Drive (My Drive plus any shared drives). It knows nothing of HTTP;
// handlers validate requests and call it. Kept faithful where it matters for "never delete, never duplicate":
// names are not unique in a folder, a folder's trash state reaches its descendants, ids are opaque.
import { createHash, randomBytes } from 'node:crypto';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  /** Exactly one parent for ordinary items (Drive no longer allows more); none for a drive's root. */
  parents: string[];
  createdTime: number;
  modifiedTime: number;
  /** File bytes; null for folders and roots. */
  content: Buffer | null;
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  explicitlyTrashed: boolean;
  starred: boolean;
  description?: string;
  originalFilename?: string;
  /** Set for items in a shared drive (and the drive's root itself). */
  driveId?: string;
  version: number;
  /** False for items a test seeded "by hand": a drive.file-scoped token cannot see them, as on the real Drive. */
  createdByApp: boolean;
  /** files.list does not return the item before this time (search index lag); get by id is unaffected. */
  listableAt: number;
}

/** A copy of a stored item for test inspection: metadata, its path, and the bytes. */
export interface EmulatorFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  path: string;
  createdTime: string;
  modifiedTime: string;
  size?: number;
  md5Checksum?: string;
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  trashed: boolean;
  driveId?: string;
  content: Buffer;
}

// Ids look like Drive's (33 url-safe chars for items, "0A…Uk9PVA" for drive roots) so a client that validates
// or logs them sees realistic values.
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function randomId(len: number): string {
  const bytes = randomBytes(len);
  let s = '';
  for (const b of bytes) s += ID_CHARS[b % 64];
  return s;
}

export class DriveStore {
  readonly rootId = `0A${randomId(11)}Uk9PVA`;
  private readonly items = new Map<string, StoredFile>();
  /** Ids handed out by generateIds and not yet used: only these may be supplied in a create. */
  private readonly generated = new Set<string>();
  /** Ids ever used, even if the file is gone: Drive never reuses one. */
  private readonly used = new Set<string>();

  constructor(private readonly now: () => number) {
    this.items.set(this.rootId, this.blank(this.rootId, 'My Drive', FOLDER_MIME, [], true));
  }

  /** "root" is the documented alias of My Drive's root folder. */
  resolve(id: string): string {
    return id === 'root' ? this.rootId : id;
  }

  get(id: string): StoredFile | undefined {
    return this.items.get(this.resolve(id));
  }

  isRoot(f: StoredFile): boolean {
    return f.parents.length === 0;
  }

  isFolder(f: StoredFile): boolean {
    return f.mimeType === FOLDER_MIME;
  }

  /** Every item except the drive roots, in creation order. */
  all(): StoredFile[] {
    return [...this.items.values()].filter((f) => !this.isRoot(f));
  }

  /** Trashed when trashed itself or when any ancestor folder is: that is how Drive reports it. */
  isTrashed(f: StoredFile): boolean {
    for (let cur: StoredFile | undefined = f; cur; cur = cur.parents[0] ? this.items.get(cur.parents[0]) : undefined) {
      if (cur.explicitlyTrashed) return true;
    }
    return false;
  }

  /** Path below the item's drive root, e.g. "BaseLinker Backup/2026/11". */
  path(f: StoredFile): string {
    const parts: string[] = [];
    for (let cur: StoredFile | undefined = f; cur && !this.isRoot(cur); cur = this.items.get(cur.parents[0] ?? '')) {
      parts.unshift(cur.name);
    }
    return parts.join('/');
  }

  addSharedDrive(name: string): string {
    const id = `0A${randomId(11)}Uk9PVA`;
    const root = this.blank(id, name, FOLDER_MIME, [], true);
    root.driveId = id;
    this.items.set(id, root);
    return id;
  }

  generateId(): string {
    const id = `1${randomId(32)}`;
    this.generated.add(id);
    return id;
  }

  isGenerated(id: string): boolean {
    return this.generated.has(id);
  }

  wasUsed(id: string): boolean {
    return this.used.has(id) || this.items.has(id);
  }

  /** Creates an item. The caller has validated the parent, the id and the quota. */
  create(init: {
    id?: string;
    name: string;
    mimeType: string;
    parent: StoredFile;
    content: Buffer | null;
    appProperties?: Record<string, string>;
    properties?: Record<string, string>;
    description?: string;
    originalFilename?: string;
    modifiedTime?: number;
    createdTime?: number;
    createdByApp: boolean;
    listLagMs: number;
  }): StoredFile {
    const id = init.id ?? `1${randomId(32)}`;
    this.generated.delete(id);
    this.used.add(id);
    const f = this.blank(id, init.name, init.mimeType, [init.parent.id], init.createdByApp);
    f.content = init.mimeType === FOLDER_MIME ? null : (init.content ?? Buffer.alloc(0));
    f.appProperties = { ...(init.appProperties ?? {}) };
    f.properties = { ...(init.properties ?? {}) };
    if (init.description !== undefined) f.description = init.description;
    if (init.originalFilename !== undefined) f.originalFilename = init.originalFilename;
    if (init.modifiedTime !== undefined) f.modifiedTime = init.modifiedTime;
    if (init.createdTime !== undefined) f.createdTime = init.createdTime;
    if (init.parent.driveId !== undefined) f.driveId = init.parent.driveId;
    // Index lag runs from the write, whatever createdTime the client asked for.
    f.listableAt = this.now() + init.listLagMs;
    this.items.set(id, f);
    return f;
  }

  /** Permanent delete of an item and everything below it (what files.delete does to a folder). */
  delete(id: string): void {
    for (const child of this.all().filter((c) => c.parents[0] === id)) this.delete(child.id);
    this.items.delete(id);
  }

  /** Bytes used by files (trash included, as Drive counts it). */
  usage(): { total: number; trashed: number } {
    let total = 0;
    let trashed = 0;
    for (const f of this.all()) {
      const n = f.content?.length ?? 0;
      total += n;
      if (this.isTrashed(f)) trashed += n;
    }
    return { total, trashed };
  }

  snapshot(f: StoredFile): EmulatorFile {
    const out: EmulatorFile = {
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      parents: [...f.parents],
      path: this.path(f),
      createdTime: new Date(f.createdTime).toISOString(),
      modifiedTime: new Date(f.modifiedTime).toISOString(),
      appProperties: { ...f.appProperties },
      properties: { ...f.properties },
      trashed: this.isTrashed(f),
      content: Buffer.from(f.content ?? Buffer.alloc(0)),
    };
    if (f.content) {
      out.size = f.content.length;
      out.md5Checksum = md5(f.content);
    }
    if (f.driveId !== undefined) out.driveId = f.driveId;
    return out;
  }

  /**
   * Every item as a path, sorted; folders end in "/", trashed items end in " (trashed)", items in a shared drive
   * start with "[drive name]/". Duplicates show up as repeated lines, which is the point.
   */
  tree(): string[] {
    const lines = this.all().map((f) => {
      const root = this.driveRootOf(f);
      const prefix = root && root.id !== this.rootId ? `[${root.name}]/` : '';
      return `${prefix}${this.path(f)}${this.isFolder(f) ? '/' : ''}${this.isTrashed(f) ? ' (trashed)' : ''}`;
    });
    return lines.sort();
  }

  private driveRootOf(f: StoredFile): StoredFile | undefined {
    let cur: StoredFile | undefined = f;
    while (cur && !this.isRoot(cur)) cur = this.items.get(cur.parents[0] ?? '');
    return cur;
  }

  private blank(id: string, name: string, mimeType: string, parents: string[], createdByApp: boolean): StoredFile {
    const t = this.now();
    return {
      id,
      name,
      mimeType,
      parents,
      createdTime: t,
      modifiedTime: t,
      content: null,
      appProperties: {},
      properties: {},
      explicitlyTrashed: false,
      starred: false,
      version: 1,
      createdByApp,
      listableAt: t,
    };
  }
}

export function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}

export function digest(alg: 'sha1' | 'sha256', b: Buffer): string {
  return createHash(alg).update(b).digest('hex');
}
