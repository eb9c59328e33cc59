// Which document each Dropbox file is. Dropbox could keep it with the file (file properties), but only with the
// files.metadata.write permission, which the app does not ask for; so identities live in inventory files of our own
// (../inventory.ts) in `<root>/.baselinker-backup/`. Those learnt while storing wait in memory and are written in
// batches: once INVENTORY_BATCH are waiting, and on flush() (the destination's close()); until then a put says its
// identity is pending, and the run hands the ledger's rows over again after a crash (recordIdentities). They are
// read lazily, a root at a time (one listing and one download per inventory file), only when a listed file needs
// its identity.
import type { FileIdentity } from '../destination.js';
import { byStateFolder, inventoryBody, inventoryFolder, inventoryName, isInventoryName, parseInventory, type InventoryEntry, type InventoryLine } from '../inventory.js';
import type { Logger } from '../../lib/logger.js';
import type { DropboxApi } from './dropboxApi.js';
import { listFolder } from './folders.js';
import { commitLane, type CommitLane } from './lane.js';
import { dropboxPath } from './names.js';
import { uploadOne } from './upload.js';

/** Identities per inventory file written while storing: a night's documents in one file, a backfill in a few. */
export const INVENTORY_BATCH = 1000;

export interface KeptIdentity {
  identity: FileIdentity;
  /** False while it waits in memory for the next inventory file. */
  written: boolean;
}

export interface IdentityOptions {
  api: DropboxApi;
  /** What every path is below: "" (the app's root) or "/Some/Folder". */
  base: string;
  lane: CommitLane;
  logger: Logger;
}

interface Learnt {
  line: InventoryLine;
  written: boolean;
}

export function createIdentities(o: IdentityOptions) {
  /** Per root folder: what its inventory files say, by path without case, oldest first. */
  const loaded = new Map<string, Promise<Map<string, InventoryLine[]>>>();
  /** What this process learnt, by path without case, oldest first. */
  const learnt = new Map<string, Learnt[]>();
  let pending: { entry: InventoryEntry; learnt: Learnt }[] = [];
  /** Inventory files are written one after another: a flush never overtakes a batch being written. */
  const writes = commitLane();

  const keyOf = (folder: readonly string[], name: string) => [...folder, name].join('/').toLowerCase();

  async function load(root: string): Promise<Map<string, InventoryLine[]>> {
    const byPath = new Map<string, InventoryLine[]>();
    const files = [];
    for await (const e of listFolder(o.api, `${o.base}${dropboxPath(inventoryFolder(root))}`)) if (e.kind === 'file' && isInventoryName(e.name)) files.push(e);
    // Their names begin with the time they were written: later files say the later word.
    for (const file of files.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const { bytes } = await o.api.download('files/download', { path: file.id });
      for (const line of parseInventory(bytes.toString('utf8'))) {
        const key = line.path.toLowerCase();
        byPath.set(key, [...(byPath.get(key) ?? []), line]);
      }
    }
    return byPath;
  }

  function loadedFor(root: string): Promise<Map<string, InventoryLine[]>> {
    let found = loaded.get(root);
    if (!found) {
      found = load(root);
      loaded.set(root, found);
      found.catch(() => loaded.delete(root));
    }
    return found;
  }

  function learn(entry: InventoryEntry, written: boolean): Learnt {
    const key = keyOf(entry.folder, entry.name);
    const item = { line: { path: [...entry.folder, entry.name].join('/'), location: entry.location, identity: entry.identity }, written };
    learnt.set(key, [...(learnt.get(key) ?? []), item]);
    return item;
  }

  /** One inventory file per root for these entries, through the account's lane (writing one is a commit too). */
  async function write(entries: readonly InventoryEntry[]): Promise<void> {
    for (const { stateFolder, entries: group } of byStateFolder(entries)) {
      const path = `${o.base}${dropboxPath([...stateFolder, inventoryName()])}`;
      const outcome = await o.lane.run(() => uploadOne(o.api, { path, body: inventoryBody(group) }));
      if (outcome.outcome === 'conflict') throw new Error(`Dropbox already holds ${path}, which this program names afresh each time`);
    }
  }

  /** Writes every identity waiting in memory; those it could not write wait for the next flush. */
  function flush(): Promise<void> {
    return writes.run(async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      try {
        await write(batch.map((p) => p.entry));
      } catch (error) {
        pending = [...batch, ...pending];
        throw error;
      }
      for (const p of batch) p.learnt.written = true;
    });
  }

  return {
    /**
     * The identity kept for the file at folder/name: keyed by its path (without case, as Dropbox compares paths),
     * the latest said for this very file (its id) first, else the latest whose size is the file's.
     */
    async of(folder: readonly string[], name: string, file: { id: string; size: number }): Promise<KeptIdentity | null> {
      const key = keyOf(folder, name);
      const said: Learnt[] = [...((await loadedFor(folder[0] ?? '')).get(key) ?? []).map((line) => ({ line, written: true })), ...(learnt.get(key) ?? [])];
      const chosen = said.findLast((s) => s.line.location === file.id) ?? said.findLast((s) => s.line.identity.size === file.size);
      return chosen ? { identity: chosen.line.identity, written: chosen.written } : null;
    },

    /** Keeps an identity learnt while storing; it is written with the next batch of them. */
    keep(entry: InventoryEntry): void {
      pending.push({ entry, learnt: learn(entry, false) });
      if (pending.length >= INVENTORY_BATCH) {
        flush().catch((error: unknown) => o.logger.warn(`Dropbox: identities not written yet (${error instanceof Error ? error.message : String(error)}); trying again at the end of the run`));
      }
    },

    /** Writes these identities now (for files stored without one). */
    record(entries: readonly InventoryEntry[]): Promise<void> {
      return writes.run(async () => {
        if (entries.length === 0) return;
        await write(entries);
        for (const e of entries) learn(e, true);
      });
    },

    flush,
  };
}

export type Identities = ReturnType<typeof createIdentities>;
