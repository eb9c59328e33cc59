// The OneDrive destination against the emulator over HTTP: the shared conformance suite, then what is OneDrive's
// own: requests per document, identities kept in inventory files (batched, pending until written, read lazily),
// names compared without regard to case, lost answers, throttling, a full drive, large files, a folder of the
// owner's choosing. Whatever a test does, the emulator must record no replace, rename, delete, move or cancel.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NameTakenError, type Destination, type FileIdentity } from '../../src/destinations/destination.js';
import { GraphApi } from '../../src/destinations/onedrive/graphApi.js';
import { oneDriveDestination, type OneDriveOptions } from '../../src/destinations/onedrive/oneDrive.js';
import { QuickXorHash } from '../../src/destinations/onedrive/quickXorHash.js';
import { APP_FOLDER_SCOPES, FULL_DRIVE_SCOPES } from '../../src/destinations/onedrive/signIn.js';
import { TokenManager } from '../../src/destinations/onedrive/tokens.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { DestinationFullError, UnauthorisedError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { OneDriveEmulator } from '../../tools/emulators/onedrive/server.js';
import { oneDriveEmulator } from '../helpers/oneDriveEmulator.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { tempDir } from '../helpers/tempDir.js';
import { destinationConformance } from './conformance.js';


const APP = 'Apps/BaseLinker Backup';
const FOLDER = ['BaseLinker Backup', '2026', '11', 'Invoices'];
const STATE = `${APP}/BaseLinker Backup/.baselinker-backup`;
const isInventory = (p: string) => /\/\.baselinker-backup\/identities-[^/]+\.json$/.test(p);

/** A destination as a new process makes it: its own sign-in (a refresh token the owner got), its own caches. */
function open(emu: OneDriveEmulator, o: Partial<OneDriveOptions> & { clock?: Clock; scopes?: readonly string[] } = {}): Destination & { api: GraphApi } {
  const clock = o.clock ?? systemClock;
  const scopes = o.scopes ?? (o.target ? FULL_DRIVE_SCOPES : APP_FOLDER_SCOPES);
  const tokens = new TokenManager({ clientId: emu.clientId, loginUrl: emu.loginUrl, refreshToken: emu.issueRefreshToken(scopes.join(' ')), scopes, saveRefreshToken: () => undefined, clock });
  return oneDriveDestination({ api: new GraphApi({ tokens, clock, baseUrl: emu.graphUrl }), target: null, clock, logger: silentLogger, ...o });
}

/** Documents under the app's folder, as "a/b/name"; our inventories are bookkeeping and left out. */
const documents = (emu: OneDriveEmulator, root = APP) =>
  emu.files.filter((f) => !f.folder && f.path.startsWith(`${root}/`) && !isInventory(f.path)).map((f) => f.path.slice(root.length + 1)).sort();
const inventories = (emu: OneDriveEmulator) => emu.files.filter((f) => isInventory(f.path));

let serial = 0;
const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7 ${text}`));
function identityOf(body: Uint8Array, o: Partial<FileIdentity> = {}): FileIdentity {
  serial++;
  return { account: 'default', kind: 'invoices', sourceId: String(serial), version: 1, hash: `h${serial}`, token: `t${serial}`, size: body.byteLength, sha256: createHash('sha256').update(body).digest('hex'), ...o };
}
const put = (d: Destination, name: string, body = pdf(name), o: Partial<FileIdentity> = {}, folder = FOLDER) =>
  d.put({ folder, name, contentType: 'application/pdf', body, identity: identityOf(body, o) });
/** Graph requests (not the identity platform's) made since `from`. */
const graphCalls = (emu: OneDriveEmulator, from = 0) => emu.requests.slice(from).filter((r) => !r.path.includes('/oauth2/'));

describe('OneDrive destination', () => {
  destinationConformance(async () => {
    const emu = await oneDriveEmulator();
    return {
      open: () => open(emu),
      read: async (p) => emu.files.find((f) => f.path === `${APP}/${p}` && !f.folder)?.content ?? null,
      allFiles: async () => documents(emu),
      plant: async (p, bytes) => void emu.seed({ path: `${APP}/${p}`, content: bytes }),
      tamper: async (p, how) => {
        const file = emu.files.find((f) => f.path === `${APP}/${p}`)!;
        emu.editByHand(file.path, how === 'remove' ? { remove: true } : { content: file.content.subarray(0, file.content.length >> 1) });
      },
      violations: () => emu.violations,
      checksum: (bytes) => `quickxor:${new QuickXorHash().update(bytes).digest()}`,
    };
  });

  it('costs one request per document: its upload; a listing per folder; an inventory per batch', async () => {
    const emu = await oneDriveEmulator();
    const d = open(emu, { inventoryBatch: 5 });
    await put(d, 'first.pdf');
    const before = emu.requests.length;
    for (let i = 0; i < 20; i++) await put(d, `doc-${i}.pdf`);
    const calls = graphCalls(emu, before);
    // 20 uploads, and 4 inventories (the first batch held first.pdf and four of these).
    expect(calls.filter((r) => r.method === 'PUT' && r.path.endsWith('.pdf:/content'))).toHaveLength(20);
    expect(calls.filter((r) => r.method === 'PUT' && /identities-.*\.json:\/content$/.test(r.path))).toHaveLength(4);
    expect(calls).toHaveLength(24);
    expect(calls.every((r) => r.query['@microsoft.graph.conflictBehavior'] === 'fail')).toBe(true);
    await d.close!();
    expect(inventories(emu)).toHaveLength(5);
    // Every identity is now at the destination: a new process lists them all.
    const listed = (await open(emu).list(FOLDER)).files;
    expect(listed).toHaveLength(21);
    expect(listed.every((f) => f.identity !== null && f.checksum?.startsWith('quickxor:'))).toBe(true);
  });

  it('a first run into an empty app folder: the folders one at a time with "fail", then one upload each', async () => {
    const emu = await oneDriveEmulator();
    const d = open(emu);
    await d.check!();
    await Promise.all(['a.pdf', 'b.pdf', 'c.pdf'].map((name) => put(d, name)));
    expect(documents(emu)).toEqual(['BaseLinker Backup/2026/11/Invoices/a.pdf', 'BaseLinker Backup/2026/11/Invoices/b.pdf', 'BaseLinker Backup/2026/11/Invoices/c.pdf']);
    const calls = graphCalls(emu).map((r) => `${r.method} ${decodeURIComponent(r.path)} ${r.status}`);
    expect(calls.filter((c) => c.startsWith('POST'))).toEqual([
      expect.stringMatching(/^POST \/v1.0\/me\/drive\/items\/.+\/children 201$/),
      expect.stringMatching(/children 201$/),
      expect.stringMatching(/children 201$/),
      expect.stringMatching(/children 201$/),
    ]);
    // The approot, the folder listing (404), the look-ups up to the approot, four folders, three uploads.
    expect(calls).toHaveLength(1 + 1 + 3 + 4 + 3);
    // Below a folder this process made, nothing is listed or looked up: a new sibling costs its create and the upload.
    const before = emu.requests.length;
    await put(d, 'r.pdf', pdf('r'), {}, ['BaseLinker Backup', '2026', '11', 'Receipts']);
    await put(d, 'o.pdf', pdf('o'), {}, ['BaseLinker Backup', '2026', '12', 'Orders']);
    expect(graphCalls(emu, before).map((r) => r.method)).toEqual(['POST', 'PUT', 'POST', 'POST', 'PUT']);
  });

  it('keeps identities pending until an inventory holds them; a lost ledger then adopts by identity', async () => {
    const emu = await oneDriveEmulator();
    const d = open(emu, { inventoryBatch: 3 });
    const stored = [];
    for (let i = 0; i < 4; i++) stored.push(await put(d, `FV_${i}.pdf`, pdf(`v${i}`), { sourceId: `s${i}` }));
    expect(stored.every((s) => s.created && s.identityPending)).toBe(true);
    // The put that filled the first batch of three wrote it; the fourth waits for close().
    expect(inventories(emu)).toHaveLength(1);
    const early = (await open(emu).list(FOLDER)).files;
    expect(early.filter((f) => f.identity).map((f) => f.identity!.sourceId).sort()).toEqual(['s0', 's1', 's2']);
    await d.close!();
    const inventory = JSON.parse(inventories(emu)[1]!.content.toString()) as { v: number; files: { path: string; location: string; identity: FileIdentity }[] };
    expect(inventory).toMatchObject({ v: 1, files: [{ path: 'BaseLinker Backup/2026/11/Invoices/FV_3.pdf', location: stored[3]!.location, identity: { sourceId: 's3' } }] });
    const late = (await open(emu).list(FOLDER)).files;
    expect(late.map((f) => f.identity?.sourceId).sort()).toEqual(['s0', 's1', 's2', 's3']);
    // Listing the state folder shows the backup's records, never its inventories.
    expect((await open(emu).list(['BaseLinker Backup', '.baselinker-backup'])).files).toEqual([]);
  });

  it('an inventory that cannot be written yet stays pending: the puts succeed, close() writes it or says it could not', async () => {
    const clock = fakeClock();
    const emu = await oneDriveEmulator({ now: clock.now });
    const d = open(emu, { clock, inventoryBatch: 2 });
    const inventoryPuts = { method: 'PUT', path: /identities-.*\.json:\/content$/ };
    // Six failures: every attempt of the write the second put makes.
    emu.injectFault({ kind: 'serverError', status: 500, times: 6, match: inventoryPuts });
    expect(await put(d, 'a.pdf')).toMatchObject({ created: true, identityPending: true });
    expect(await put(d, 'b.pdf')).toMatchObject({ created: true, identityPending: true });
    expect(inventories(emu)).toEqual([]);
    emu.injectFault({ kind: 'serverError', status: 500, times: 6, match: inventoryPuts });
    await expect(d.close!()).rejects.toThrow(/HTTP 500/);
    await d.close!();
    expect(inventories(emu)).toHaveLength(1);
    expect((await open(emu).list(FOLDER)).files.map((f) => f.identity?.token).sort()).toEqual([expect.any(String), expect.any(String)]);
  });

  it('reads the inventories once per root, from the addresses the listing gives: adoption costs a request per inventory', async () => {
    const emu = await oneDriveEmulator();
    const d = open(emu, { inventoryBatch: 2 });
    for (let i = 0; i < 6; i++) await put(d, `FV_${i}.pdf`);
    await d.close!();
    expect(inventories(emu)).toHaveLength(3);
    const fresh = open(emu);
    const before = emu.requests.length;
    await fresh.list(FOLDER);
    await fresh.list(['BaseLinker Backup', '2026', '11', 'Receipts']);
    const calls = graphCalls(emu, before).map((r) => `${r.method} ${r.path}`);
    // The folder, the state folder, three inventories (without Authorization), the other folder.
    expect(calls).toHaveLength(1 + 1 + 3 + 1);
    expect(calls.filter((c) => c.startsWith('GET /download/'))).toHaveLength(3);
    expect(graphCalls(emu, before).filter((r) => r.path.startsWith('/download/')).every((r) => !r.authorization)).toBe(true);
  });

  it('a crash between the upload and its inventory, with the ledger lost: the same bytes are the copy, never a second one', async () => {
    const emu = await oneDriveEmulator();
    const body = pdf('rendered the same again');
    await put(open(emu), 'FV_9.pdf', body, { token: 'lost-token', sourceId: '9' });
    const again = open(emu);
    const stored = await put(again, 'FV_9.pdf', body, { token: 'new-token', sourceId: '9' });
    expect(stored).toMatchObject({ created: false, identityPending: true, checksum: `quickxor:${new QuickXorHash().update(body).digest()}` });
    await again.close!();
    expect(documents(emu)).toEqual(['BaseLinker Backup/2026/11/Invoices/FV_9.pdf']);
    expect((await open(emu).list(FOLDER)).files[0]!.identity).toMatchObject({ token: 'new-token', sourceId: '9' });
    // Other bytes without an identity are someone else's file.
    await expect(put(open(emu), 'FV_9.pdf', pdf('other'), { sourceId: '10' })).rejects.toBeInstanceOf(NameTakenError);
  });

  it('a name taken in another case is taken: the next candidate, nothing touched', async () => {
    const emu = await oneDriveEmulator();
    emu.seed({ path: `${APP}/${FOLDER.join('/')}/fv_1.pdf`, content: 'a person put this here' });
    const d = open(emu);
    await expect(put(d, 'FV_1.pdf', pdf('x'))).rejects.toBeInstanceOf(NameTakenError);
    // Ours too: two documents whose names differ only in case cannot both be kept under their names.
    await put(d, 'FV_A.pdf', pdf('A'));
    await expect(put(d, 'fv_a.pdf', pdf('a'))).rejects.toBeInstanceOf(NameTakenError);
    // Taken between the listing and the upload: the "fail" refuses, and the look-up finds the other case.
    emu.seed({ path: `${APP}/${FOLDER.join('/')}/LATE.pdf`, content: 'made meanwhile' });
    await expect(put(d, 'late.pdf', pdf('late'))).rejects.toBeInstanceOf(NameTakenError);
    // A folder under the name is taken too.
    emu.seed({ path: `${APP}/${FOLDER.join('/')}/folder.pdf/inside.txt`, content: 'x' });
    await expect(put(open(emu), 'folder.pdf', pdf('f'))).rejects.toBeInstanceOf(NameTakenError);
    expect(emu.files.find((f) => f.path.endsWith('/fv_1.pdf'))!.content.toString()).toBe('a person put this here');
    expect(emu.files.find((f) => f.path.endsWith('/LATE.pdf'))!.content.toString()).toBe('made meanwhile');
  });

  it('an upload whose answer was lost is found by its bytes: one file, counted as stored', async () => {
    const clock = fakeClock();
    const emu = await oneDriveEmulator({ now: clock.now });
    const d = open(emu, { clock });
    await put(d, 'warm-up.pdf');
    emu.injectFault({ kind: 'dropResponse', match: { method: 'PUT', path: /lost\.pdf:\/content$/ } });
    const stored = await put(d, 'lost.pdf');
    expect(stored).toMatchObject({ created: true, identityPending: true });
    expect(documents(emu).filter((p) => p.endsWith('lost.pdf'))).toHaveLength(1);
  });

  it('waits exactly what Retry-After says on 429 and 503, backs off on 5xx, and stores once', async () => {
    const clock = fakeClock();
    const emu = await oneDriveEmulator({ now: clock.now });
    const d = open(emu, { clock });
    await put(d, 'warm-up.pdf');
    const uploads = { method: 'PUT', path: /flaky\.pdf:\/content$/ };
    emu.injectFault({ kind: 'throttled', status: 429, retryAfterSeconds: 7, match: uploads });
    emu.injectFault({ kind: 'throttled', status: 503, retryAfterSeconds: 3, retryAfterAsDate: true, match: uploads });
    emu.injectFault({ kind: 'serverError', status: 502, match: uploads });
    await put(d, 'flaky.pdf');
    expect(clock.slept.slice(0, 2)).toEqual([7000, 3000]);
    expect(clock.slept[2]).toBeGreaterThanOrEqual(4000);
    expect(documents(emu).filter((p) => p.endsWith('flaky.pdf'))).toHaveLength(1);
  });

  it('a full OneDrive (507) stops with exit 3 and says what to do; nothing partial is left', async () => {
    const emu = await oneDriveEmulator({ storageQuotaBytes: 4000 });
    const d = open(emu);
    await put(d, 'small.pdf');
    const error = await put(d, 'big.pdf', new Uint8Array(5000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationFullError);
    expect((error as DestinationFullError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(/OneDrive is full \(quotaLimitReached\): free up space or buy more storage/);
    expect(documents(emu)).toEqual(['BaseLinker Backup/2026/11/Invoices/small.pdf']);
  });

  it('a large file goes up in a session of 320 KiB multiples and resumes after a cut fragment', async () => {
    const clock = fakeClock();
    const emu = await oneDriveEmulator({ now: clock.now });
    const d = open(emu, { clock, simpleUploadMaxBytes: 64 * 1024, fragmentBytes: 320 * 1024 });
    const spool = path.join(tempDir(), 'orders.csv');
    const content = Buffer.alloc(1_000_000, 'zażółć;');
    fs.writeFileSync(spool, content);
    let fragments = 0;
    emu.injectFault({ kind: 'resetMidUpload', afterBytes: 1000, match: (r) => r.method === 'PUT' && r.path.startsWith('/up/') && ++fragments === 2 });
    const orders = ['BaseLinker Backup', '2026', '11', 'Orders'];
    const stored = await d.put({ folder: orders, name: 'orders.csv', contentType: 'text/csv', body: { path: spool, size: content.length }, identity: identityOf(content, { kind: 'orders' }) });
    expect(stored).toMatchObject({ created: true, size: content.length });
    expect(emu.files.find((f) => f.path === `${APP}/${orders.join('/')}/orders.csv`)!.content.equals(content)).toBe(true);
    const puts = emu.requests.filter((r) => r.method === 'PUT' && r.path === '/up/[redacted]');
    // Four fragments (3 × 320 KiB and the rest) and the one that was cut.
    expect(puts).toHaveLength(5);
    expect(emu.uploadSessions().filter((s) => s.state === 'open')).toEqual([]);
  });

  it('onedrive:<folder path> stores under that folder from the drive root, with the whole-drive permission', async () => {
    const emu = await oneDriveEmulator();
    const d = open(emu, { target: 'Backups/Shop' });
    await d.check!();
    await put(d, 'FV_1.pdf');
    await d.close!();
    expect(documents(emu, 'Backups/Shop')).toEqual(['BaseLinker Backup/2026/11/Invoices/FV_1.pdf']);
    expect(emu.files.some((f) => isInventory(f.path) && f.path.startsWith('Backups/Shop/BaseLinker Backup/.baselinker-backup/'))).toBe(true);
    expect((await open(emu, { target: 'Backups/Shop' }).list(FOLDER)).files[0]!.identity).not.toBeNull();
  });

  it('onedrive:<folder path> on a drive already full: check() says so before anything is read', async () => {
    const emu = await oneDriveEmulator({ storageQuotaBytes: 1000 });
    emu.seed({ path: 'Documents/big.bin', content: Buffer.alloc(1000) });
    const error = await open(emu, { target: 'Backups' }).check!().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationFullError);
    expect((error as Error).message).toBe('OneDrive is full (its storage is used up): free up space or buy more storage; the next run stores the rest');
  });

  it('the app folder on a work or school account: check() says it cannot be used, and why', async () => {
    const emu = await oneDriveEmulator({ driveType: 'business' });
    const error = await open(emu).check!().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorisedError);
    expect((error as Error).message).toMatch(/not at all on work or school accounts: there, set BACKUP_DESTINATION=onedrive:<folder path> and run `backup auth onedrive` again/);
  });

  it('writes inventories into <root folder>/.baselinker-backup/', async () => {
    const emu = await oneDriveEmulator();
    const d = open(emu);
    await put(d, 'x.pdf');
    await d.close!();
    expect(inventories(emu).map((f) => path.dirname(f.path))).toEqual([STATE]);
  });
});
