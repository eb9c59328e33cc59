// A ledger that has never stored into a destination, in front of one that already holds this account's backup (a
// lost data dir, a new machine, a container without a volume, a second data dir): the destination is the truth.
// Its files carry their identities; this reads them, folder by folder as the layout lays them out, records them
// in the ledger and takes the cutoff recorded there, so that the run stores nothing twice and misses nothing.
import type { Config } from '../config/config.js';
import type { Destination, FolderListing, ListedFile } from '../destinations/destination.js';
import { BackupError, ExitCode } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { DocumentRow, Ledger } from '../ledger/ledger.js';
import { cutoffOf, STATE_FOLDER, stateFolder } from './facts.js';
import { layoutOf, levelPatterns } from './layout.js';
import { folderKey } from './naming.js';
import { readCutoff, adoptCutoff } from './scope.js';

export class ForeignBackupError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.unexpected);
  }
}

/** Asks the source whether documents of this kind and these ids belong to this account. */
export type OwnershipProbe = (kind: 'invoices' | 'receipts', sourceIds: readonly string[]) => Promise<boolean>;

export interface AdoptionReport {
  adopted: number;
  /** Copies whose bytes are not what their identity says (cut short): recorded, for verify to report and repair to mend. */
  damaged: number;
  cutoff: number | null;
}

type Found = { folder: string[]; file: ListedFile };

/** Adopts what `destination` holds of this account's backup into the ledger; the ledger must not know it yet. */
export async function adoptDestination(c: { ledger: Ledger; config: Config; logger: Logger; probe: OwnershipProbe }, destination: Destination): Promise<AdoptionReport> {
  const account = c.config.account.id;
  const root = await destination.list([c.config.rootFolder]);
  if (root.files.length === 0 && root.folders.length === 0) return { adopted: 0, damaged: 0, cutoff: null };
  const found: Found[] = [];
  for await (const entry of accountFiles(destination, c.config, root)) if (entry.file.identity?.account === account) found.push(entry);
  const records = root.folders.includes(STATE_FOLDER) ? (await destination.list(stateFolder(c.config.rootFolder))).files : [];
  const facts = records.map((f) => ({ folder: stateFolder(c.config.rootFolder), file: f }));
  const cutoffs = facts.map((f) => cutoffOf(f.file.identity, account)).filter((v): v is number => v !== null);
  const ours = [...found, ...facts.filter((f) => cutoffOf(f.file.identity, account) !== null)];
  if (ours.length === 0) return { adopted: 0, damaged: 0, cutoff: null };

  await assertSameAccount(c.probe, found, destination.id);
  const chosen = chooseCopies(ours);
  const adopted = c.ledger.adopt(chosen.map(({ folder, file }) => rowFrom(destination.id, folder, file)));
  for (const { folder, file } of ours.filter((entry) => !chosen.includes(entry))) {
    c.ledger.setAside({ destination: destination.id, folder: folderKey(folder), name: file.name, location: file.location, size: file.size, documentId: null, reason: 'a damaged copy; a whole one is recorded' });
  }
  const cutoff = cutoffs.length > 0 ? Math.min(...cutoffs) : null;
  if (cutoff !== null && readCutoff(c.ledger) === null) adoptCutoff(c.ledger, c.config, cutoff);
  return { adopted, damaged: chosen.filter((f) => f.file.size !== f.file.identity!.size).length, cutoff };
}

/** Every file in the account's folders, level by level as the layout names them: one listing per folder. */
export async function* accountFiles(destination: Destination, config: Pick<Config, 'rootFolder' | 'layout' | 'account'>, rootListing?: FolderListing): AsyncGenerator<Found> {
  const levels = levelPatterns(layoutOf(config.layout), config.account.folderName);
  async function* walk(folder: string[], depth: number): AsyncGenerator<Found> {
    const listing = depth === 0 && rootListing ? rootListing : await destination.list(folder);
    if (depth === levels.length) {
      for (const file of listing.files) yield { folder, file };
      return;
    }
    for (const name of listing.folders.filter((n) => levels[depth]!.test(n)).sort()) yield* walk([...folder, name], depth + 1);
  }
  yield* walk([config.rootFolder], 0);
}

/**
 * One copy per document version: where two files claim the same version (a damaged copy and the fresh one a repair
 * stored beside it), the whole one is the copy.
 */
function chooseCopies(found: readonly Found[]): Found[] {
  const byVersion = new Map<string, Found>();
  for (const entry of found) {
    const id = entry.file.identity!;
    const key = `${id.kind}\u0000${id.sourceId}\u0000${id.version}`;
    const held = byVersion.get(key);
    const whole = (f: Found) => f.file.size === f.file.identity!.size;
    if (!held || (!whole(held) && whole(entry))) byVersion.set(key, entry);
  }
  return [...byVersion.values()];
}

function rowFrom(destination: string, folder: string[], file: ListedFile): Omit<DocumentRow, 'id' | 'status' | 'reserved_at' | 'stored_at' | 'run_id' | 'identity_kept'> {
  const id = file.identity!;
  return {
    destination,
    kind: id.kind,
    source_id: id.sourceId,
    version: id.version,
    source_hash: id.hash,
    // The number is the record's, which the file does not carry; where it is needed it is read again.
    number: '',
    folder: folderKey(folder),
    name: file.name,
    token: id.token,
    location: file.location,
    // What the file should be: a copy cut short then shows in `verify` as the wrong size, and repair mends it.
    size: id.size,
    sha256: id.sha256,
    checksum: file.checksum,
    issued_at: null,
  };
}

/**
 * Every installation of one account calls itself "default": before adopting invoices and receipts, make sure the
 * source knows them, or a second shop pointed at the same folder would take the first one's backup as its own.
 */
async function assertSameAccount(probe: OwnershipProbe, found: readonly Found[], destinationId: string): Promise<void> {
  for (const kind of ['invoices', 'receipts'] as const) {
    const ids = [...new Set(found.filter((f) => f.file.identity!.kind === kind).map((f) => f.file.identity!.sourceId))];
    if (ids.length === 0) continue;
    const newest = ids.sort((a, b) => Number(b) - Number(a)).slice(0, 3);
    if (!(await probe(kind, newest))) {
      throw new ForeignBackupError(
        `${destinationId} holds a backup of another BaseLinker account in the same folders (${kind} ${newest.join(', ')} are not in this account): ` +
          'give this account its own rootFolder or destination; nothing was stored',
      );
    }
  }
}
