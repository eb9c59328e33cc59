// Where OneDrive keeps our files' identities. A driveItem has no private metadata an app can set when it creates
// the file (its description is visible and editable by anyone, and setting it is a second request, a PATCH, which
// this program does not make), so identities go into inventory files of our own (../inventory.ts): written in
// batches while a run stores (every 200 files) and when it closes, at once for recordIdentities. Until its batch is
// written a file's identity is pending: the run marks it kept only after close(), and after a crash hands the
// ledger's rows to recordIdentities. Read lazily, once per root folder, only when a listing or a taken name needs
// them: one listing of the state folder, then one download per inventory, from the address the listing gave
// (Graph itself is not asked again). Keyed by path, since that is what a person's restore keeps; an entry counts for
// the file at that path when it is the item it was written for, or has the size it had.
import pLimit from 'p-limit';
import type { Clock } from '../../lib/clock.js';
import { errorMessage } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { FileIdentity } from '../destination.js';
import { byStateFolder, inventoryBody, inventoryName, isInventoryName, parseInventory, pathOf, stateFolderFor, type InventoryEntry, type InventoryRecord } from '../inventory.js';
import { createOnly, type UploadContext } from './createOnly.js';
import { listFolder, type DriveItem } from './items.js';

/** Files stored between two inventory writes: a crash loses at most this many identities to the next run's repair. */
export const INVENTORY_BATCH = 200;
/** Inventories downloaded at once when a root's are first read (a lost ledger's adoption). */
const DOWNLOADS_AT_ONCE = 4;

export interface InventoryOptions {
  upload: UploadContext;
  /** Folders between the drive's root (or the app's folder) and the destination's paths. */
  base: readonly string[];
  clock: Clock;
  logger: Logger;
  batch?: number;
}

export class OneDriveInventory {
  /** Per state folder: what its inventories say, by path. */
  private readonly loaded = new Map<string, Promise<Map<string, InventoryRecord>>>();
  /** What this process kept, written or not: it counts before anything read. */
  private readonly kept = new Map<string, InventoryRecord>();
  private pending: InventoryEntry[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly o: InventoryOptions) {}

  /** The identity recorded for the file `item` at folder/name, or null. */
  async identityOf(folder: readonly string[], name: string, item: Pick<DriveItem, 'id' | 'size'>): Promise<FileIdentity | null> {
    const path = pathOf(folder, name);
    const record = this.kept.get(path) ?? (await this.recordsFor(folder)).get(path);
    if (!record) return null;
    return record.location === item.id || record.identity.size === item.size ? record.identity : null;
  }

  /**
   * Keeps an identity in the next batch; the put that fills a batch writes it. A batch that cannot be written yet
   * stays for close(), which tries again: the file it describes is stored either way.
   */
  async keep(entry: InventoryEntry): Promise<void> {
    this.kept.set(pathOf(entry.folder, entry.name), { path: pathOf(entry.folder, entry.name), location: entry.location, identity: entry.identity });
    this.pending.push(entry);
    if (this.pending.length < (this.o.batch ?? INVENTORY_BATCH)) return;
    const turn = this.writing.then(() => this.writePending());
    this.writing = turn.catch(() => undefined);
    await turn.catch((error: unknown) => {
      this.o.logger.warn(`OneDrive: could not write an inventory of identities yet (${errorMessage(error)}); trying again at the end of the run`);
    });
  }

  /** Writes these identities now, one inventory per root folder. */
  async record(entries: readonly InventoryEntry[]): Promise<void> {
    for (const e of entries) this.kept.set(pathOf(e.folder, e.name), { path: pathOf(e.folder, e.name), location: e.location, identity: e.identity });
    await this.write(entries);
  }

  /** Writes what is pending; throws when it cannot (the run then leaves those identities to the next one). */
  async close(): Promise<void> {
    await this.writing;
    await this.writePending();
  }

  private async writePending(): Promise<void> {
    const batch = this.pending.splice(0);
    try {
      await this.write(batch);
    } catch (error) {
      this.pending.unshift(...batch);
      throw error;
    }
  }

  private async write(entries: readonly InventoryEntry[]): Promise<void> {
    for (const { stateFolder, entries: group } of byStateFolder(entries)) {
      const name = inventoryName(new Date(this.o.clock.now()));
      const result = await createOnly(this.o.upload, { parentPath: [...this.o.base, ...stateFolder], name, body: inventoryBody(group) });
      // Only an upload of ours can hold a name with 32 random bits in it: a lost answer, settled by its hash.
      if (result.outcome !== 'created') throw new Error(`OneDrive ${stateFolder.join('/')}/${name} exists and is not the inventory just written`);
    }
  }

  private recordsFor(folder: readonly string[]): Promise<Map<string, InventoryRecord>> {
    const key = stateFolderFor(folder).join('/');
    let records = this.loaded.get(key);
    if (!records) {
      records = this.load(stateFolderFor(folder));
      this.loaded.set(key, records);
      records.catch(() => this.loaded.delete(key));
    }
    return records;
  }

  private async load(stateFolder: readonly string[]): Promise<Map<string, InventoryRecord>> {
    const { drive } = this.o.upload;
    const listed = (await listFolder(drive, { parentPath: [...this.o.base, ...stateFolder] }, { downloadUrls: true })) ?? [];
    // Oldest first, so that a later inventory's entry for a path wins.
    const inventories = listed.filter((i) => i.file && isInventoryName(i.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const limit = pLimit(DOWNLOADS_AT_ONCE);
    const contents = await Promise.all(
      inventories.map((i) =>
        limit(async () => {
          if (!i.downloadUrl) throw new Error(`OneDrive listed ${i.name} without a download address`);
          const r = await drive.api.send({ what: `read ${stateFolder.join('/')}/${i.name}`, method: 'GET', path: i.downloadUrl, authorized: false, accept: [404] });
          // Gone between the listing and the read (a person tidying up): it says nothing any more.
          return r.status === 404 ? [] : parseInventory(r.json);
        }),
      ),
    );
    return new Map(contents.flat().map((r) => [r.path, r]));
  }
}
