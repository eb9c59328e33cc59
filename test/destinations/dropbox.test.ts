// The Dropbox destination against the Dropbox emulator over HTTP: the shared conformance suite, then what is
// Dropbox's own: requests per document when batched, identities kept in inventory files and written in batches,
// paths without case, names taken while a batch was on its way, lost answers, lock contention and 429s waited out
// exactly, a full account, one lane per account, and a folder of a Full Dropbox.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSameCopy, NameTakenError, type Destination, type FileIdentity } from '../../src/destinations/destination.js';
import { dropboxDestination } from '../../src/destinations/dropbox/dropbox.js';
import { DropboxApi } from '../../src/destinations/dropbox/dropboxApi.js';
import { commitLane, type CommitLane } from '../../src/destinations/dropbox/lane.js';
import { dropbox } from '../../src/destinations/dropbox/plugin.js';
import { dropboxTokens } from '../../src/destinations/dropbox/tokens.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { DestinationFullError, UnauthorisedError, UsageError } from '../../src/lib/errors.js';
import { sharedResources } from '../../src/destinations/plugin.js';
import { silentLogger } from '../../src/lib/logger.js';
import { contentHash } from '../../tools/emulators/dropbox/contentHash.js';
import type { DropboxEmulator } from '../../tools/emulators/dropbox/server.js';
import { dropboxEmulators } from '../helpers/dropboxEmulators.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { freshLedger } from '../helpers/inProcess.js';
import { tempDir } from '../helpers/tempDir.js';
import { destinationConformance } from './conformance.js';

const start = dropboxEmulators();

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
    const abandoned = new Set<Destination>();
    return {
      open: () => {
        const before = Promise.all(opened.filter((d) => !abandoned.has(d)).map((d) => d.close!()));
        const d = afterOthers(dropboxOn(emu), before);
        opened.push(d);
        return d;
      },
      abandon: (d) => abandoned.add(d),
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

describe('Dropbox destination: batches and requests', () => {
  it('costs one upload per document, one commit per four handed over at once, one listing per folder; identities on close', async () => {
    const emu = await start();
    const d = dropboxOn(emu);
    await putDoc(d, 'first.pdf');
    const before = emu.requests.length;
    const results = [];
    // As the run hands them over: four at a time, each waiting for its own commit.
    for (let round = 0; round < 5; round++) results.push(...(await Promise.all([0, 1, 2, 3].map((i) => putDoc(d, `doc-${round}-${i}.pdf`)))));
    expect(count(routes(emu, before))).toEqual({ 'files/upload_session/start': 20, 'files/upload_session/finish_batch_v2': 5 });
    expect(emu.requests.slice(before).filter((r) => r.route === 'files/upload_session/finish_batch_v2').map((r) => (r.arg as { entries: unknown[] }).entries.length)).toEqual([4, 4, 4, 4, 4]);
    expect(results.every((r) => r.created && r.identityPending)).toBe(true);
    expect(inventories(emu)).toEqual([]);

    const closing = emu.requests.length;
    await d.close();
    expect(routes(emu, closing)).toEqual(['files/upload']);
    expect(stored(emu)).toHaveLength(21);
    const [inventory] = inventories(emu);
    expect(inventory!.path).toMatch(/^\/Apps\/BaseLinker Backup\/BaseLinker Backup\/\.baselinker-backup\/identities-\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{8}\.json$/);
    const body = JSON.parse(inventory!.content.toString()) as { v: number; files: { path: string; location: string; identity: FileIdentity }[] };
    expect(body.v).toBe(1);
    expect(body.files).toHaveLength(21);
    expect(body.files.find((f) => f.path.endsWith('/doc-2-3.pdf'))).toEqual({ path: `${FOLDER.join('/')}/doc-2-3.pdf`, location: results[11]!.location, identity: expect.objectContaining({ token: expect.any(String) }) });
    // Nothing more waits: a second close sends nothing.
    await d.close();
    expect(routes(emu, closing)).toEqual(['files/upload']);
  });

  it('a file above 8 MiB goes up in pieces and is committed with the documents beside it', async () => {
    const emu = await start();
    const d = dropboxOn(emu);
    const big = new Uint8Array(Buffer.alloc(9 * 1024 * 1024 + 5, 'x;ą\n'));
    const orders = ['BaseLinker Backup', '2026', '11', 'Orders'];
    const [csv, invoice] = await Promise.all([putDoc(d, 'orders.csv', big, { kind: 'orders' }, orders), putDoc(d, 'FV_9.pdf')]);
    expect([csv!.size, invoice!.created]).toEqual([big.length, true]);
    expect(emu.files.find((f) => f.path.endsWith('/orders.csv'))!.content.equals(Buffer.from(big))).toBe(true);
    expect(count(routes(emu).filter((r) => r.startsWith('files/upload')))).toEqual({ 'files/upload_session/start': 2, 'files/upload_session/append_v2': 1, 'files/upload_session/finish_batch_v2': 1 });
  });

  it('a lost batch answer: the retry finds the files committed; one copy each, taken as stored', async () => {
    const emu = await start();
    const d = dropboxOn(emu, { clock: fakeClock() });
    emu.injectFault({ kind: 'dropResponse', match: { route: 'files/upload_session/finish_batch_v2' } });
    const [a, b] = await Promise.all([putDoc(d, 'a.pdf'), putDoc(d, 'b.pdf')]);
    expect([a!.created, b!.created]).toEqual([false, false]);
    expect(stored(emu)).toEqual([`${FOLDER.join('/')}/a.pdf`, `${FOLDER.join('/')}/b.pdf`]);
    expect(emu.files.map((f) => f.id)).toEqual([a!.location, b!.location]);
    expect(emu.requests.filter((r) => r.route === 'files/upload_session/finish_batch_v2').map((r) => r.fault ?? r.status)).toEqual(['dropResponse', 200]);
  });

  it('lock contention and 429s: each waits exactly the retry_after Dropbox names, and each file lands once', async () => {
    const emu = await start();
    const clock = fakeClock();
    const d = dropboxOn(emu, { clock });
    emu.contendCommits(1, 7);
    emu.injectFault({ kind: 'rateLimited', reason: 'too_many_requests', retryAfterSeconds: 3, match: { route: 'files/upload_session/start' } });
    emu.injectFault({ kind: 'batchEntriesContended', entries: 1, match: { route: 'files/upload_session/finish_batch_v2' } });
    const done = await Promise.all([putDoc(d, 'a.pdf'), putDoc(d, 'b.pdf')]);
    expect(done.map((r) => r.created)).toEqual([true, true]);
    expect(clock.slept.slice(0, 2).sort()).toEqual([3000, 7000]);
    expect(emu.requests.filter((r) => r.status === 429).map((r) => [r.route, r.errorSummary?.split('/')[0]])).toEqual([
      ['files/upload_session/start', 'too_many_requests'],
      ['files/upload_session/finish_batch_v2', 'too_many_write_operations'],
    ]);
    expect(stored(emu)).toEqual([`${FOLDER.join('/')}/a.pdf`, `${FOLDER.join('/')}/b.pdf`]);
  });

  it('one lane per account: two destinations writing into one Dropbox never commit at once; apart, they collide', async () => {
    const emu = await start({ commitMs: 150 });
    const refreshToken = emu.issueRefreshToken();
    const lane = commitLane();
    const office = [dropboxOn(emu, { refreshToken, lane, folder: null }), dropboxOn(emu, { refreshToken, lane, folder: null })];
    const many = (d: Destination, account: string) => Promise.all([1, 2, 3].map((i) => putDoc(d, `${account}-${i}.pdf`, pdf(`${account} ${i}`), {}, ['BaseLinker Backup', account])));
    await Promise.all([many(office[0]!, 'a'), many(office[1]!, 'b')]);
    expect(emu.requests.filter((r) => r.status === 429)).toEqual([]);

    // The same without a shared lane: their commits meet the held lock (the emulator would say so), and one waits 1 s.
    const apart = [dropboxOn(emu, { refreshToken }), dropboxOn(emu, { refreshToken })];
    await Promise.all([many(apart[0]!, 'c'), many(apart[1]!, 'd')]);
    expect(emu.requests.filter((r) => r.status === 429).map((r) => r.errorSummary?.split('/')[0])).toContain('too_many_write_operations');
    expect(stored(emu)).toHaveLength(12);
  });

  it('a full Dropbox: DestinationFullError that says what to do, and nothing of the file stored', async () => {
    const emu = await start({ storageLimitBytes: 40 });
    const d = dropboxOn(emu);
    await putDoc(d, 'small.pdf', pdf('small'));
    const error = await putDoc(d, 'large.pdf', pdf('x'.repeat(100))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationFullError);
    expect((error as Error).message).toBe('Dropbox is full (path/insufficient_space): free up space or upgrade the Dropbox plan; the next run stores the rest');
    expect(stored(emu)).toEqual([`${FOLDER.join('/')}/small.pdf`]);
  });
});

describe('Dropbox destination: names and identities', () => {
  it('compares paths without case: a name held in another case is taken, or is the copy', async () => {
    const emu = await start();
    const d = dropboxOn(emu);
    await putDoc(d, 'FV_1.pdf', pdf('one'), { sourceId: '1', hash: 'h-1' });
    await expect(putDoc(d, 'fv_1.PDF', pdf('another document'), { sourceId: '2' })).rejects.toBeInstanceOf(NameTakenError);
    expect(await putDoc(d, 'fv_1.pdf', pdf('one, rendered by a newer layout'), { sourceId: '1', hash: 'h-1' })).toMatchObject({ created: false });
    const shouting = ['BASELINKER BACKUP', '2026', '11', 'INVOICES'];
    expect(await putDoc(d, 'FV_1.PDF', pdf('one'), { sourceId: '1', hash: 'h-1' }, shouting)).toMatchObject({ created: false });
    expect(stored(emu)).toEqual([`${FOLDER.join('/')}/FV_1.pdf`]);
    expect(emu.files[0]!.content.toString()).toBe('%PDF-1.7 one');
  });

  it('a name taken after the folder was listed: another file is NameTakenError, the same bytes are the copy', async () => {
    const emu = await start();
    const d = dropboxOn(emu);
    await putDoc(d, 'listed.pdf');
    emu.seed({ path: `${emu.appRoot}/${FOLDER.join('/')}/late.pdf`, content: 'a person was faster' });
    // Saved by a person an hour ago (its client_modified is not one of our attempts' stamps).
    emu.seed({ path: `${emu.appRoot}/${FOLDER.join('/')}/same.pdf`, content: Buffer.from(pdf('same')), clientModified: Date.now() - 3600_000 });
    const before = emu.requests.length;
    await expect(putDoc(d, 'late.pdf')).rejects.toBeInstanceOf(NameTakenError);
    expect(await putDoc(d, 'same.pdf', pdf('same'))).toMatchObject({ created: false, identityPending: true });
    expect(routes(emu, before)).toEqual(expect.arrayContaining(['files/get_metadata']));
    expect(routes(emu, before).filter((r) => r === 'files/get_metadata')).toHaveLength(1);
    expect(emu.files.find((f) => f.path.endsWith('/late.pdf'))!.content.toString()).toBe('a person was faster');
    expect(stored(emu)).toHaveLength(3);
  });

  it('identities are read lazily, once per run, and only when a listed file needs one; inventory files are never listed', async () => {
    const emu = await start();
    const d = dropboxOn(emu);
    const a = await putDoc(d, 'a.pdf', pdf('a'), { sourceId: '11' });
    await d.close();
    const fresh = dropboxOn(emu);
    let from = emu.requests.length;
    expect(await fresh.list(['BaseLinker Backup', '.baselinker-backup'])).toEqual({ files: [], folders: [] });
    expect(await fresh.list(['BaseLinker Backup'])).toEqual({ files: [], folders: ['2026', '.baselinker-backup'] });
    expect(routes(emu, from)).toEqual(['files/list_folder', 'files/list_folder']);
    from = emu.requests.length;
    const listed = await fresh.list(FOLDER);
    expect(listed.files).toEqual([{ name: 'a.pdf', size: pdf('a').length, location: a.location, checksum: `dropbox:${contentHash(Buffer.from(pdf('a')))}`, identity: expect.objectContaining({ sourceId: '11' }) }]);
    expect(routes(emu, from)).toEqual(['files/list_folder', 'files/list_folder', 'files/download']);
    from = emu.requests.length;
    await fresh.list(FOLDER);
    expect(routes(emu, from)).toEqual(['files/list_folder']);
  });

  it('recordIdentities writes at once; a copy damaged in place keeps its identity, a file put in its place does not', async () => {
    const emu = await start();
    const legacyPath = `${emu.appRoot}/${FOLDER.join('/')}/legacy.pdf`;
    emu.seed({ path: legacyPath, content: Buffer.from(pdf('stored by an older version')) });
    const d = dropboxOn(emu);
    const [legacy] = (await d.list(FOLDER)).files;
    expect(legacy!.identity).toBeNull();
    const identity = identityFor('legacy-token', pdf('stored by an older version'), { sourceId: '77' });
    await d.recordIdentities([{ folder: FOLDER, name: 'legacy.pdf', location: legacy!.location, identity }]);
    expect(inventories(emu)).toHaveLength(1);

    emu.editByHand(legacyPath, { content: Buffer.from('cut') });
    const damaged = (await dropboxOn(emu).list(FOLDER)).files[0]!;
    expect([damaged.size, damaged.identity?.sourceId]).toEqual([3, '77']);
    expect(isSameCopy(damaged, identity)).toBe(false);

    emu.editByHand(legacyPath, { remove: true });
    emu.seed({ path: legacyPath, content: 'something else entirely' });
    expect((await dropboxOn(emu).list(FOLDER)).files[0]!.identity).toBeNull();
  });

  it('dropbox:<folder> with a Full Dropbox app: everything below that folder, inventories too', async () => {
    const emu = await start({ access: 'full_dropbox' });
    const d = dropboxOn(emu, { folder: '/Firma/Backup' });
    expect(d.id).toBe('dropbox:/Firma/Backup');
    const stored1 = await putDoc(d, 'FV_1.pdf', pdf('one'), { sourceId: '5' });
    await d.close();
    expect(emu.files.map((f) => f.path.replace(/identities-.*\.json$/, 'identities-….json'))).toEqual([
      `/Firma/Backup/${FOLDER.join('/')}/FV_1.pdf`,
      '/Firma/Backup/BaseLinker Backup/.baselinker-backup/identities-….json',
    ]);
    expect((await dropboxOn(emu, { folder: '/Firma/Backup' }).list(FOLDER)).files).toEqual([expect.objectContaining({ location: stored1.location, identity: expect.objectContaining({ sourceId: '5' }) })]);
  });
});

describe('Dropbox plugin', () => {
  it('takes "dropbox" or "dropbox:<folder path>", refusing folders Dropbox would refuse', () => {
    expect(dropbox.parseTarget(null, '/')).toBeNull();
    expect(dropbox.parseTarget('Firma/Księgowość/', '/')).toBe('/Firma/Księgowość');
    expect(dropbox.parseTarget('/Firma//Backup', '/')).toBe('/Firma/Backup');
    for (const bad of ['/a/../b', '/Desktop.ini', '/a\\b', '/trailing /x']) expect(() => dropbox.parseTarget(bad, '/'), bad).toThrow(/dropbox:<folder path>/);
    expect(dropbox.id({ scheme: 'dropbox', target: null }, dropbox.settings as never)).toBe('dropbox');
    expect(dropbox.id({ scheme: 'dropbox', target: '/Firma/Backup' }, dropbox.settings as never)).toBe('dropbox:/Firma/Backup');
  });

  it('without an app key it is a usage error naming DROPBOX_APP_KEY; without a sign-in, exit 5 naming `backup auth dropbox`', () => {
    const settings = { appKey: null, appSecret: null, refreshToken: null, apiUrl: 'http://127.0.0.1:1/', contentUrl: 'http://127.0.0.1:1/', authorizeUrl: 'http://127.0.0.1:1/' };
    const context = { settings, dataDir: tempDir(), ledger: freshLedger(), clock: systemClock, logger: silentLogger, shared: sharedResources() };
    const spec = { scheme: 'dropbox', target: null };
    expect(() => dropbox.create(spec, context)).toThrow(UsageError);
    expect(() => dropbox.create(spec, context)).toThrow(/DROPBOX_APP_KEY is not set/);
    const signedOut = () => dropbox.create(spec, { ...context, settings: { ...settings, appKey: 'key' } });
    expect(signedOut).toThrow(UnauthorisedError);
    expect(signedOut).toThrow(/not signed in to Dropbox: run `backup auth dropbox`/);
  });

  it('costs an upload per file, a commit per four, a listing per folder, an inventory per thousand, one check; no pacing', () => {
    const settings = {} as Parameters<NonNullable<typeof dropbox.cost>>[0]['settings'];
    expect(dropbox.cost!({ settings, files: 100, folders: 3, newFolders: 7 })).toEqual({ requests: 100 + 25 + 3 + 1 + 1, seconds: 0, pace: 'no fixed rate' });
    expect(dropbox.cost!({ settings, files: 2001, folders: 40, newFolders: 60 }).requests).toBe(2001 + 501 + 40 + 3 + 1);
  });
});
