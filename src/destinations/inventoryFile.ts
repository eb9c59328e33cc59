// Inventory files: identities kept beside the documents, for destinations that cannot keep them on the file itself
// (OneDrive has no private per-file metadata; Drive files stored by an older version have no appProperties). Each
// is a small JSON file of our own, `identities-<stamp>-<random>.json` in `<first folder>/.baselinker-backup/`,
// written whole and never changed: `{v: 1, files: [{path, location, identity}]}`. A later file's entry for a path
// wins over an earlier one's. Nothing is ever removed from them; they only grow in number.
import { randomBytes } from 'node:crypto';
import type { FileIdentity } from './destination.js';
import { identityFromJson } from './identityJson.js';

/** The backup's own folder under the first folder of a path (the root folder): its records and its inventories. */
export const STATE_FOLDER = '.baselinker-backup';
/** What our inventory files are called: a person's files there are not read. */
export const INVENTORY_NAME = /^identities-[^/]+\.json$/;

export interface InventoryEntry {
  folder: readonly string[];
  name: string;
  /** Where the file is, in the destination's terms (a Drive file id, a OneDrive item id). */
  location: string;
  identity: FileIdentity;
}

export interface InventoryRecord {
  /** folder/…/name below the destination's root. */
  path: string;
  location: string;
  identity: FileIdentity;
}

/** A new inventory file's name: time-ordered, and unique even for two written in one millisecond. */
export function inventoryName(now: Date, random = randomBytes(4).toString('hex')): string {
  return `identities-${now.toISOString().replace(/[:.]/g, '-')}-${random}.json`;
}

export const pathOf = (folder: readonly string[], name: string): string => [...folder, name].join('/');

/** The state folder that keeps the identities of files under `folder`. */
export function stateFolderFor(folder: readonly string[]): string[] {
  return folder.length > 0 ? [folder[0]!, STATE_FOLDER] : [STATE_FOLDER];
}

/** Entries grouped by the state folder their inventory goes to (one file per root folder). */
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

/** The records of an inventory (its text, or its JSON already parsed); none for a damaged or foreign file. */
export function parseInventory(content: string | unknown): InventoryRecord[] {
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
  return o.files.flatMap((f: unknown) => {
    const r = (f ?? {}) as { path?: unknown; location?: unknown; identity?: unknown };
    const identity = identityFromJson(r.identity);
    return typeof r.path === 'string' && typeof r.location === 'string' && identity ? [{ path: r.path, location: r.location, identity }] : [];
  });
}
