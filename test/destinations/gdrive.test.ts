import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { auth } from '@googleapis/drive';
import { googleDriveDestination } from '../../src/destinations/gdrive/googleDrive.js';
import { DriveApi, drivePacer } from '../../src/destinations/gdrive/driveApi.js';
import type { FolderIdStore } from '../../src/destinations/gdrive/folders.js';
import type { FileIdentity } from '../../src/destinations/destination.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { startDriveEmulator, type DriveEmulator, type DriveEmulatorOptions } from '../../tools/emulators/drive/server.js';
import { systemClock } from '../../src/lib/clock.js';
import { DestinationFullError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/logger.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { freePort } from '../helpers/freePort.js';
import { destinationConformance } from './conformance.js';

const running: DriveEmulator[] = [];
afterEach(async () => {
  while (running.length) {
    const emu = running.pop()!;
    // Whatever a test did, the destination never asked Drive to delete, trash or rewrite anything.
    expect(emu.forbiddenCalls).toEqual([]);
    await emu.close();
  }
});

function memoryFolders(): FolderIdStore & { rows: Map<string, { folderId: string; confirmed: boolean }> } {
  const rows = new Map<string, { folderId: string; confirmed: boolean }>();
  return { rows, get: (p) => rows.get(p) ?? null, save: (p, folderId, confirmed) => void rows.set(p, { folderId, confirmed }) };
}

function signedIn(emu: DriveEmulator) {
  const client = new auth.OAuth2({ clientId: emu.clientId, clientSecret: emu.clientSecret, endpoints: { oauth2TokenUrl: emu.tokenUrl, oauth2RevokeUrl: emu.revokeUrl } });
  client.setCredentials({ refresh_token: emu.issueRefreshToken() });
  return client;
}

function driveOn(emu: DriveEmulator, folders: FolderIdStore, clock = systemClock) {
  return googleDriveDestination({ auth: signedIn(emu), rootUrl: emu.rootUrl, parentFolderId: null, writes: drivePacer(0, clock), folders, clock, logger: silentLogger });
}

async function setup(options: DriveEmulatorOptions = {}, folders = memoryFolders(), clock = systemClock) {
  const emu = await startDriveEmulator(options);
  running.push(emu);
  return { emu, destination: driveOn(emu, folders, clock), folders };
}

/** The emulator's folder at a path, made (as the app would have) where missing. */
function folderAt(emu: DriveEmulator, folder: string[]): string {
  let parentId = emu.rootFolderId;
  for (const name of folder) {
    const found = emu.files.find((f) => f.name === name && f.parents[0] === parentId && f.mimeType === 'application/vnd.google-apps.folder' && !f.trashed);
    parentId = found ? found.id : emu.seed({ name, parentId }).id;
  }
  return parentId;
}

const fileAt = (emu: DriveEmulator, p: string) => emu.files.find((f) => f.path === p && !f.trashed);

const ledgerFolders = (ledger: Ledger): FolderIdStore => ({ get: (p) => ledger.folder('gdrive', p), save: (p, id, confirmed) => ledger.saveFolder('gdrive', p, id, confirmed) });

let serial = 0;
const identityFor = (token: string, body: Uint8Array): FileIdentity => ({
  account: 'default',
  kind: 'invoices',
  sourceId: String(++serial),
  version: 1,
  hash: `h${serial}`,
  token,
  size: body.byteLength,
  sha256: createHash('sha256').update(body).digest('hex'),
});

const filesOnly = (emu: DriveEmulator) => emu.tree().filter((p) => !p.endsWith('/'));
const FOLDER = ['BaseLinker Backup', '2026', '11', 'Invoices'];
const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7 ${text}`));

describe('Google Drive destination', () => {
  destinationConformance(async () => {
    const emu = await startDriveEmulator();
    running.push(emu);
    return {
      open: (ledger) => driveOn(emu, ledgerFolders(ledger)),
      read: async (p) => {
        const found = emu.files.filter((f) => f.path === p && !f.trashed);
        if (found.length > 1) throw new Error(`${found.length} copies of ${p}`);
        return found[0]?.content ? Buffer.from(found[0].content) : null;
      },
      allFiles: async () => filesOnly(emu).sort(),
      // With the drive.file scope the app sees only what it created: a file without our identity that it can see
      // was made by this app (an older version of it), so that is what a planted file is here.
      plant: async (p, bytes) => {
        const parts = p.split('/');
        emu.seed({ name: parts.at(-1)!, parentId: folderAt(emu, parts.slice(0, -1)), content: bytes, mimeType: 'application/pdf' });
      },
      tamper: async (p, how) => {
        const file = fileAt(emu, p)!;
        emu.editByHand(file.id, how === 'remove' ? { trash: true } : { content: file.content.subarray(0, file.content.length >> 1) });
      },
      violations: () => emu.forbiddenCalls,
    };
  });

  it('costs one request per new document in the normal path', async () => {
    const { emu, destination } = await setup();
    const put = async (name: string) => destination.put({ folder: FOLDER, name, contentType: 'application/pdf', body: pdf(name), identity: identityFor(await destination.newToken(), pdf(name)) });
    await put('first.pdf');
    const before = emu.requests.length;
    for (let i = 0; i < 20; i++) await put(`doc-${i}.pdf`);
    expect(emu.requests.length - before).toBe(20);
    expect(emu.requests.slice(before).every((r) => r.path.startsWith('/upload/drive/v3/files') && r.uploadType === 'multipart')).toBe(true);
  });

  it('never creates a duplicate folder: concurrent puts, a crash after the folder create, and search lag', async () => {
    const folders = memoryFolders();
    const { emu, destination } = await setup({ listLagMs: 60_000 }, folders);
    await Promise.all(['a.pdf', 'b.pdf', 'c.pdf'].map(async (name) => destination.put({ folder: FOLDER, name, contentType: 'application/pdf', body: pdf(name), identity: identityFor(await destination.newToken(), pdf(name)) })));
    // A "crash": the ledger kept only the reservation of a new month folder, not its confirmation.
    const reserved = folders.rows.get('BaseLinker Backup/2026/11')!;
    folders.rows.set('BaseLinker Backup/2026/11', { ...reserved, confirmed: false });
    const again = driveOn(emu, folders);
    await again.put({ folder: FOLDER, name: 'd.pdf', contentType: 'application/pdf', body: pdf('d'), identity: identityFor(await again.newToken(), pdf('d')) });
    const folderPaths = emu.tree().filter((p) => p.endsWith('/'));
    expect(folderPaths).toEqual(['BaseLinker Backup/', 'BaseLinker Backup/2026/', 'BaseLinker Backup/2026/11/', 'BaseLinker Backup/2026/11/Invoices/']);
    expect(filesOnly(emu)).toHaveLength(4);
  });

  it('two processes creating the same new folders at once settle on one, and a listing sees what went into either', async () => {
    const { emu } = await setup();
    const [a, b] = [driveOn(emu, memoryFolders()), driveOn(emu, memoryFolders())];
    await Promise.all([
      a.put({ folder: FOLDER, name: 'a.pdf', contentType: 'application/pdf', body: pdf('a'), identity: identityFor(await a.newToken(), pdf('a')) }),
      b.put({ folder: FOLDER, name: 'b.pdf', contentType: 'application/pdf', body: pdf('b'), identity: identityFor(await b.newToken(), pdf('b')) }),
    ]);
    const stored = emu.files.filter((f) => f.name.endsWith('.pdf'));
    expect(stored.map((f) => f.parents[0])).toEqual([stored[0]!.parents[0], stored[0]!.parents[0]]);
    const listed = await driveOn(emu, memoryFolders()).list(FOLDER);
    expect(listed.files.map((f) => f.name).sort()).toEqual(['a.pdf', 'b.pdf']);
    expect(emu.forbiddenCalls).toEqual([]);
  });

  it('adopts folders that exist, choosing the oldest of duplicates and touching none', async () => {
    const { emu, destination } = await setup();
    const twins = [1, 2, 3].map(() => emu.seed({ name: 'BaseLinker Backup', mimeType: 'application/vnd.google-apps.folder' }));
    emu.seed({ name: 'baselinker backup', mimeType: 'application/vnd.google-apps.folder' });
    const [older] = [...twins].sort((a, b) => a.createdTime.localeCompare(b.createdTime) || (a.id < b.id ? -1 : 1));
    await destination.put({ folder: ['BaseLinker Backup'], name: 'x.pdf', contentType: 'application/pdf', body: pdf('x'), identity: identityFor(await destination.newToken(), pdf('x')) });
    const stored = emu.files.find((f) => f.name === 'x.pdf')!;
    expect(stored.parents).toEqual([older!.id]);
    expect(emu.forbiddenCalls).toEqual([]);
  });

  it('twin folders of one path are seen as one: the names of both, so none of their files looks missing', async () => {
    const { emu, destination } = await setup();
    const twins = [1, 2].map(() => emu.seed({ name: 'BaseLinker Backup', mimeType: 'application/vnd.google-apps.folder' }));
    emu.seed({ name: 'a.pdf', parentId: twins[0]!.id, mimeType: 'application/pdf', content: Buffer.from(pdf('a')) });
    emu.seed({ name: 'b.pdf', parentId: twins[1]!.id, mimeType: 'application/pdf', content: Buffer.from(pdf('b')) });
    const listed = await destination.list(['BaseLinker Backup']);
    expect(listed.files.map((f) => f.name).sort()).toEqual(['a.pdf', 'b.pdf']);
    const seen = await destination.foldersSeen!();
    expect(seen.map(({ folder, names }) => ({ folder, names: [...names].sort() }))).toEqual([{ folder: ['BaseLinker Backup'], names: ['a.pdf', 'b.pdf'] }]);
  });

  it('retries 5xx, 429 (honouring Retry-After), 403 rate limits and resets, and stores each file once', async () => {
    const clock = fakeClock();
    const { emu, destination } = await setup({}, memoryFolders(), clock);
    const uploads = { method: 'POST', path: '/upload/drive/v3/files' };
    emu.injectFault({ kind: 'serverError', status: 503, times: 2, match: uploads });
    emu.injectFault({ kind: 'tooManyRequests', retryAfterSeconds: 7, times: 1, match: uploads });
    emu.injectFault({ kind: 'userRateLimitExceeded', times: 1, match: uploads });
    emu.injectFault({ kind: 'dropResponse', times: 1, match: uploads });
    const stored = await destination.put({ folder: FOLDER, name: 'flaky.pdf', contentType: 'application/pdf', body: pdf('flaky'), identity: identityFor(await destination.newToken(), pdf('flaky')) });
    expect(filesOnly(emu)).toEqual(['BaseLinker Backup/2026/11/Invoices/flaky.pdf']);
    expect(stored.size).toBe(pdf('flaky').length);
    expect(clock.slept).toContain(7000);
  });

  it('stops with a clear "full" error on storageQuotaExceeded', async () => {
    const { emu, destination } = await setup();
    emu.injectFault({ kind: 'storageQuotaExceeded', times: 1, match: { method: 'POST', path: '/upload/drive/v3/files' } });
    const error = await destination.put({ folder: FOLDER, name: 'big.pdf', contentType: 'application/pdf', body: pdf('x'), identity: identityFor(await destination.newToken(), pdf('x')) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationFullError);
    expect((error as Error).message).toMatch(/Google Drive is full/);
  });

  it('sends a large file in resumable chunks and resumes after a reset mid-chunk', async () => {
    const { emu, destination } = await setup();
    const { tempDir } = await import('../helpers/tempDir.js');
    const fs = await import('node:fs');
    const spool = `${tempDir()}/orders.csv`;
    const content = Buffer.alloc(12 * 1024 * 1024 + 123, 'x;ą\n');
    fs.writeFileSync(spool, content);
    emu.injectFault({ kind: 'resetMidUpload', afterBytes: 3 * 1024 * 1024, times: 1, match: { method: 'PUT' } });
    const stored = await destination.put({ folder: ['BaseLinker Backup', '2026', '11', 'Orders'], name: 'orders.csv', contentType: 'text/csv', body: { path: spool, size: content.length }, identity: identityFor(await destination.newToken(), content) });
    expect(stored.size).toBe(content.length);
    const file = emu.files.find((f) => f.name === 'orders.csv')!;
    expect(Buffer.from(file.content!).equals(content)).toBe(true);
    expect(emu.requests.some((r) => r.uploadType === 'resumable')).toBe(true);
    expect(emu.requests.filter((r) => r.method === 'PUT' && r.fault)).toHaveLength(1);
    expect(filesOnly(emu)).toEqual(['BaseLinker Backup/2026/11/Orders/orders.csv']);
  });
});

describe('Google Drive: a root where nothing answers', () => {
  it('is retried as an outage, then named with the address and the variable that sets it', async () => {
    const emu = await startDriveEmulator();
    running.push(emu);
    const clock = fakeClock();
    const rootUrl = `http://127.0.0.1:${await freePort()}/`;
    const api = new DriveApi({ auth: signedIn(emu), rootUrl, writes: drivePacer(0, clock), clock, logger: silentLogger, attempts: 3 });
    const error = await api.read('about', (o) => api.about.get({ fields: 'user(emailAddress)' }, o)).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`Google Drive about kept failing: network error ECONNREFUSED at ${rootUrl} (GOOGLE_API_ROOT_URL)`);
    expect(clock.slept).toHaveLength(2);
  });
});
