// The Dropbox destination against the Dropbox emulator over HTTP: the shared conformance suite, then what is
// Dropbox's own: requests per document when batched, identities kept in inventory files and written in batches,
// paths without case, names taken while a batch was on its way, lost answers, lock contention and 429s waited out
// exactly, a full account, one lane per account, and a folder of a Full Dropbox.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isSameCopy, NameTakenError, type Destination, type FileIdentity } from '../../src/destinations/destination.js';
import { dropboxDestination } from '../../src/destinations/dropbox/dropbox.js';
import { DropboxApi } from '../../src/destinations/dropbox/dropboxApi.js';
import { commitLane, type CommitLane } from '../../src/destinations/dropbox/lane.js';
import { dropbox } from '../../src/destinations/dropbox/plugin.js';
import { dropboxTokens } from '../../src/destinations/dropbox/tokens.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { DestinationFullError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/logger.js';
import { contentHash } from '../../tools/emulators/dropbox/contentHash.js';
import { startDropboxEmulator, type DropboxEmulator, type DropboxEmulatorOptions } from '../../tools/emulators/dropbox/server.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { destinationConformance } from './conformance.js';

const running: DropboxEmulator[] = [];
afterEach(async () => {
  while (running.length > 0) {
    const emu = running.pop()!;
    // Whatever a test did, nothing was deleted, moved, copied over or replaced.
    expect(emu.violations).toEqual([]);
    await emu.close();
  }
});

async function start(o: DropboxEmulatorOptions = {}): Promise<DropboxEmulator> {
  const emu = await startDropboxEmulator(o);
  running.push(emu);
  return emu;
}

interface On {
  clock?: Clock;
  folder?: string | null;
  lane?: CommitLane;
  refreshToken?: string;
  idleMs?: number;
}

function dropboxOn(emu: DropboxEmulator, o: On = {}) {
  const clock = o.clock ?? systemClock;
  const tokens = dropboxTokens({ appKey: emu.appKey, refreshToken: o.refreshToken ?? emu.issueRefreshToken(), apiUrl: emu.apiUrl, clock });
  const api = new DropboxApi({ tokens, apiUrl: emu.apiUrl, contentUrl: emu.contentUrl, clock, logger: silentLogger });
  return dropboxDestination({ api, folder: o.folder ?? null, lane: o.lane ?? commitLane(), logger: silentLogger, batching: o.idleMs === undefined ? undefined : { idleMs: o.idleMs } });
}

/** Our own bookkeeping, not a document. */
const isInventory = (p: string) => /\/\.baselinker-backup\/identities-[^/]+\.json$/.test(p);
/** Every file the app sees, "a/b/name" below its root, inventories left out. */
const stored = (emu: DropboxEmulator) =>
  emu.files
    .map((f) => f.path.slice(emu.appRoot.length + 1))
    .filter((p) => !isInventory(`/${p}`))
    .sort();
const inventories = (emu: DropboxEmulator) => emu.files.filter((f) => isInventory(f.path));
const routes = (emu: DropboxEmulator, from = 0) => emu.requests.slice(from).filter((r) => !r.route.startsWith('/')).map((r) => r.route);
const count = (list: string[]) => list.reduce<Record<string, number>>((n, r) => ({ ...n, [r]: (n[r] ?? 0) + 1 }), {});

/**
 * A destination that first lets the ones opened before it end (close), as a process that starts after another has
 * ended would meet them: what they kept for later is written by then.
 */
function afterOthers(d: Destination, before: Promise<unknown>): Destination {
  const wait =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      await before;
      return f(...a);
    };
  return {
    ...d,
    id: d.id,
    newToken: wait(d.newToken),
    put: wait(d.put),
    list: wait(d.list),
    recordIdentities: wait(d.recordIdentities),
    check: wait(d.check!),
    close: wait(d.close!),
    foldersSeen: wait(d.foldersSeen!),
    requests: d.requests,
  };
}

const FOLDER = ['BaseLinker Backup', '2026', '11', 'Invoices'];
const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7 ${text}`));
let serial = 0;
function identityFor(token: string, body: Uint8Array, o: Partial<FileIdentity> = {}): FileIdentity {
  serial++;
  return { account: 'default', kind: 'invoices', sourceId: String(serial), version: 1, hash: `h${serial}`, token, size: body.byteLength, sha256: createHash('sha256').update(body).digest('hex'), ...o };
}
async function putDoc(d: Destination, name: string, body = pdf(name), o: Partial<FileIdentity> = {}, folder = FOLDER) {
  return d.put({ folder, name, contentType: 'application/pdf', body, identity: identityFor(o.token ?? (await d.newToken()), body, o) });
}

describe('Dropbox destination', () => {
  destinationConformance(async () => {
    const emu = await start();
    const opened: Destination[] = [];
    const pathIn = (p: string) => `${emu.appRoot}/${p}`.toLowerCase();
    return {
      open: () => {
        const before = Promise.all(opened.map((d) => d.close!()));
        const d = dropboxOn(emu);
        opened.push(d);
        return afterOthers(d, before);
      },
      read: async (p) => emu.files.find((f) => f.path.toLowerCase() === pathIn(p))?.content ?? null,
      allFiles: async () => stored(emu),
      plant: async (p, bytes) => emu.seed({ path: `${emu.appRoot}/${p}`, content: bytes }),
      tamper: async (p, how) => {
        const file = emu.files.find((f) => f.path.toLowerCase() === pathIn(p))!;
        emu.editByHand(file.path, how === 'remove' ? { remove: true } : { content: file.content.subarray(0, file.content.length >> 1) });
      },
      violations: () => emu.violations,
      // Dropbox's own checksum (developers/reference/content-hash), as the emulator computes it.
      checksum: (bytes) => `dropbox:${contentHash(Buffer.from(bytes))}`,
    };
  });
});
