// Identities kept apart from the files they describe, for destinations that cannot keep one with each file (Drive
// files an older version stored without appProperties; every Dropbox file, whose properties would need a permission
// the app does not ask for; OneDrive, which has no private per-file metadata): small JSON files of our own,
// `<root>/.baselinker-backup/identities-<stamp>-<random>.json`, each `{"v":1,"files":[{"path","location","identity"}]}`,
// written whole and never changed. Only ever added to: a later file's entry for a path wins over an earlier one's.
import { randomBytes } from 'node:crypto';
import type { FileIdentity, StoredKind } from './destination.js';

export const STATE_FOLDER = '.baselinker-backup';

const KINDS: readonly StoredKind[] = ['orders', 'invoices', 'receipts', 'fact'];

/** A file and the identity it is kept under. */
export interface InventoryEntry {
  folder: readonly string[];
  name: string;
  /** Where the file is, in the destination's own terms (a Drive or Dropbox file id). */
  location: string;
  identity: FileIdentity;
}

/** One entry as an inventory file holds it: the path is "folder/…/name" below the destination's root. */
export interface InventoryLine {
  path: string;
  location: string;
  identity: FileIdentity;
}

/** One entry as the rest of the program reads it back. */
export type InventoryRecord = InventoryLine;

/** "identities-2026-11-21T02-00-13-123Z-9f3a01c2.json": sorts by time, and two writers never pick one name. */
export function inventoryName(now: Date = new Date(), random = randomBytes(4).toString('hex')): string {
  return `identities-${now.toISOString().replace(/[:.]/g, '-')}-${random}.json`;
}

export const pathOf = (folder: readonly string[], name: string): string => [...folder, name].join('/');

export function isInventoryName(name: string): boolean {
  return /^identities-[^/]*\.json$/.test(name);
}

/** Where a root's inventory files go: beside its cutoff record. */
export function inventoryFolder(root: string): string[] {
  return root ? [root, STATE_FOLDER] : [STATE_FOLDER];
}

/** The state folder that keeps the identities of files under `folder`: the one in its root folder. */
export function stateFolderFor(folder: readonly string[]): string[] {
  return inventoryFolder(folder[0] ?? '');
}

/** Entries grouped by the state folder their inventory goes to: one inventory file per root folder. */
export function byStateFolder(entries: readonly InventoryEntry[]): { stateFolder: string[]; entries: InventoryEntry[] }[] {
  const groups = new Map<string, { stateFolder: string[]; entries: InventoryEntry[] }>();
  for (const e of entries) {
    const stateFolder = stateFolderFor(e.folder);
    const key = stateFolder.join('/');
    const group = groups.get(key) ?? { stateFolder, entries: [] };
    group.entries.push(e);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function inventoryBody(entries: readonly InventoryEntry[]): Uint8Array {
  const files = entries.map((e) => ({ path: pathOf(e.folder, e.name), location: e.location, identity: e.identity }));
  return new Uint8Array(Buffer.from(JSON.stringify({ v: 1, files })));
}

/** The entries of an inventory (its text, or its JSON already parsed); none from one damaged, foreign or newer. */
export function parseInventory(content: string | unknown): InventoryLine[] {
  let parsed: unknown = content;
  if (typeof content === 'string') {
    try {
      parsed = JSON.parse(content);
    } catch {
      return [];
    }
  }
  const o = parsed as { v?: unknown; files?: unknown } | null;
  if (!o || o.v !== 1 || !Array.isArray(o.files)) return [];
  return o.files.flatMap((f: { path?: unknown; location?: unknown; identity?: unknown } | null) => {
    const identity = parseIdentity(f?.identity);
    return identity && typeof f?.path === 'string' && typeof f.location === 'string' ? [{ path: f.path, location: f.location, identity }] : [];
  });
}

/**
 * An identity read back from JSON we wrote, or null when a field is missing or of the wrong kind. The SHA-256 may be
 * empty: a copy an older version stored without recording it (the ledger hands those over as they are).
 */
export function parseIdentity(raw: unknown): FileIdentity | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : null);
  const int = (k: string) => (Number.isInteger(r[k]) ? (r[k] as number) : null);
  const [account, kind, sourceId, hash, token] = ['account', 'kind', 'sourceId', 'hash', 'token'].map(str);
  const version = int('version');
  const size = int('size');
  const sha256 = r['sha256'];
  if (!account || !sourceId || !hash || !token || typeof sha256 !== 'string' || version === null || size === null || !KINDS.includes(kind as StoredKind)) return null;
  return { account, kind: kind as StoredKind, sourceId, version, hash, token, size, sha256 };
}
