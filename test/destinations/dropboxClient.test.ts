// The low-level Dropbox client against the Dropbox emulator over HTTP: tokens and revocation, PKCE sign-in with a
// pasted code, add-only uploads (single and batched) that never overwrite and never make a second copy, recovery
// from answers lost after the write, lock contention and Retry-After honoured exactly, a full account, listing,
// and names that survive the header's ASCII escaping.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { candidateNames, safeBaseName } from '../../src/backup/naming.js';
import { createBatcher } from '../../src/destinations/dropbox/batcher.js';
import { commitLane } from '../../src/destinations/dropbox/lane.js';
import { DropboxContentHasher, dropboxContentHash } from '../../src/destinations/dropbox/contentHash.js';
import { DropboxApi } from '../../src/destinations/dropbox/dropboxApi.js';
import { listFolder } from '../../src/destinations/dropbox/folders.js';
import { checkedPath, dropboxNameProblem, dropboxPath, DropboxNameError, sameDropboxName } from '../../src/destinations/dropbox/names.js';
import { revokeDropboxSignIn } from '../../src/destinations/dropbox/revoke.js';
import { signInToDropbox } from '../../src/destinations/dropbox/signIn.js';
import { dropboxTokens } from '../../src/destinations/dropbox/tokens.js';
import { uploadOne } from '../../src/destinations/dropbox/upload.js';
import type { Clock } from '../../src/lib/clock.js';
import { DestinationFullError, UnauthorisedError, UsageError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/logger.js';
import { redact } from '../../src/lib/secrets.js';
import type { DropboxEmulator, DropboxEmulatorOptions } from '../../tools/emulators/dropbox/server.js';
import { dropboxEmulators } from '../helpers/dropboxEmulators.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { freePort } from '../helpers/freePort.js';
import { tempDir } from '../helpers/tempDir.js';

const start = dropboxEmulators();

function clientFor(emu: DropboxEmulator, clock: Clock, refreshToken = emu.issueRefreshToken(), appSecret?: string) {
  const tokens = dropboxTokens({ appKey: emu.appKey, appSecret, refreshToken, apiUrl: emu.apiUrl, clock });
  const api = new DropboxApi({ tokens, apiUrl: emu.apiUrl, contentUrl: emu.contentUrl, clock, logger: silentLogger });
  return { api, tokens };
}

async function setup(o: DropboxEmulatorOptions = {}) {
  const emu = await start(o);
  const clock = fakeClock();
  return { emu, clock, ...clientFor(emu, clock) };
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const INVOICES = '/BaseLinker Backup/2026/11/Invoices';
const filesOnly = (emu: DropboxEmulator) => emu.tree().filter((p) => !p.endsWith('/'));
const apiRoutes = (emu: DropboxEmulator, from = 0) => emu.requests.slice(from).filter((r) => !r.route.startsWith('/')).map((r) => r.route);

function independentHash(b: Buffer): string {
  const blocks: Buffer[] = [];
  for (let i = 0; i < b.length; i += 4 * 1024 * 1024) blocks.push(createHash('sha256').update(b.subarray(i, i + 4 * 1024 * 1024)).digest());
  return createHash('sha256').update(Buffer.concat(blocks)).digest('hex');
}

describe('tokens and revocation', () => {
  it('refreshes at <api>oauth2/token with the app key, keeps a token until near its expiry, and renews once on expired_access_token', async () => {
    let serverNow = Date.UTC(2026, 10, 21, 1);
    const emu = await start({ now: () => serverNow });
    const clock = fakeClock(serverNow);
    const { api, tokens } = clientFor(emu, clock);
    await api.rpc('users/get_current_account');
    await api.rpc('files/list_folder', { path: '' });
    expect(tokens.refreshes).toBe(1);
    clock.sleep(14_400_000 - 4 * 60_000);
    await api.rpc('users/get_current_account');
    expect(tokens.refreshes).toBe(2);

    // The server's clock runs ahead: Dropbox says the token expired although ours thinks it good.
    serverNow += 5 * 3600_000;
    await api.rpc('users/get_current_account');
    expect(tokens.refreshes).toBe(3);
    expect(emu.requests.filter((r) => r.status === 401).map((r) => r.errorSummary)).toEqual([expect.stringMatching(/^expired_access_token\//)]);
    expect(emu.requests.filter((r) => r.route === '/oauth2/token').map((r) => r.arg)).toEqual(Array(3).fill({ grant_type: 'refresh_token' }));
    expect(api.requests).toBe(5);
  });

  it('sends the app secret only when configured: a PKCE sign-in needs none, a code-flow one does', async () => {
    const emu = await start();
    const clock = fakeClock();
    const withoutSecret = clientFor(emu, clock, emu.issueRefreshToken({ pkce: false }));
    const refused = await withoutSecret.api.rpc('users/get_current_account').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnauthorisedError);
    expect((refused as Error).message).toMatch(/No auth function available for given request.*backup auth dropbox/);
    const withSecret = clientFor(emu, clock, emu.issueRefreshToken({ pkce: false }), emu.appSecret);
    expect(await withSecret.api.rpc('users/get_current_account')).toMatchObject({ email: 'owner@example.com' });
  });

  it('revoke ends the sign-in at Dropbox: the next call and the next refresh say to run `backup auth dropbox`', async () => {
    const { emu, api, clock } = await setup();
    const refreshToken = emu.issueRefreshToken();
    const signedIn = clientFor(emu, clock, refreshToken);
    await signedIn.api.rpc('users/get_current_account');
    await revokeDropboxSignIn(signedIn.api);
    expect(emu.requests.find((r) => r.route === 'auth/token/revoke')).toMatchObject({ host: 'api', status: 200 });

    const afterwards = await signedIn.api.rpc('files/list_folder', { path: '' }).catch((e: unknown) => e);
    expect(afterwards).toBeInstanceOf(UnauthorisedError);
    expect((afterwards as Error).message).toBe(
      'Dropbox refused the access token (invalid_access_token): the sign-in was revoked or removed in Dropbox (Settings → Connected apps). Run `backup auth dropbox` to sign in again',
    );
    const fresh = await clientFor(emu, clock, refreshToken).api.rpc('files/list_folder', { path: '' }).catch((e: unknown) => e);
    expect(fresh).toBeInstanceOf(UnauthorisedError);
    expect((fresh as Error).message).toMatch(/^Dropbox refused the saved sign-in \(invalid_grant: refresh token is invalid or revoked\)\. Likely causes: .*Connected apps.*Run `backup auth dropbox` to sign in again$/);
    // Another grant of the same app is untouched.
    expect(await api.rpc('users/get_current_account')).toMatchObject({ email: 'owner@example.com' });
  });

  it('a permission the app lacks is named, with where to tick it', async () => {
    const { api } = await setup({ scopes: ['account_info.read', 'files.metadata.read'] });
    const error = await uploadOne(api, { path: '/a.pdf', body: bytes('a') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorisedError);
    expect((error as Error).message).toMatch(/lacks the permission files\.content\.write: tick it in the App Console \(Permissions tab\)/);
  });
});

describe('sign-in with PKCE and a pasted code', () => {
  /** The person: reads the address we print, allows access on "Dropbox", types the code shown. */
  function person(emu: DropboxEmulator, typed: (code: string) => string = (code) => `  ${code}  \n`) {
    const input = new PassThrough();
    const said: string[] = [];
    return {
      said,
      io: {
        input,
        say: (text: string) => {
          said.push(text);
          const url = /https?:\/\/\S+/.exec(text)?.[0];
          if (url) setImmediate(() => input.write(`\n${typed(emu.approve(url))}`));
        },
      },
    };
  }

  it('builds the authorize URL (S256, offline, no redirect), exchanges the pasted code, and returns a refresh token that works', async () => {
    const emu = await start({ account: { email: 'sklep@example.pl', displayName: 'Sklep Łódź' } });
    const { io, said } = person(emu);
    const result = await signInToDropbox({ appKey: emu.appKey, authorizeUrl: emu.authorizeUrl, apiUrl: emu.apiUrl, clock: fakeClock(), logger: silentLogger }, io);
    const url = new URL(/https?:\/\/\S+/.exec(said[0]!)![0]);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: emu.appKey,
      response_type: 'code',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      token_access_type: 'offline',
    });
    expect(result.account).toEqual({ accountId: expect.stringMatching(/^dbid:/), email: 'sklep@example.pl', displayName: 'Sklep Łódź' });
    expect(redact(`token ${result.refreshToken}`)).toBe('token [redacted]');
    const { api } = clientFor(emu, fakeClock(), result.refreshToken);
    expect((await uploadOne(api, { path: '/a.pdf', body: bytes('a') })).outcome).toBe('created');
  });

  it('a wrong code, a closed input, and an app without the permissions each stop with what to do', async () => {
    const emu = await start();
    const options = { appKey: emu.appKey, authorizeUrl: emu.authorizeUrl, apiUrl: emu.apiUrl, clock: fakeClock(), logger: silentLogger };
    const wrong = await signInToDropbox(options, person(emu, () => 'not-the-code\n').io).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(UsageError);
    expect((wrong as Error).message).toMatch(/^Dropbox did not take the code \(code doesn't exist or has expired\): a code works once/);
    const closed = new PassThrough();
    closed.end();
    expect(await signInToDropbox(options, { input: closed, say: () => {} }).catch((e: unknown) => (e as Error).message)).toMatch(/input ended before a code was pasted/);

    const narrow = await start({ scopes: ['account_info.read', 'files.metadata.read', 'files.content.write'] });
    const missing = await signInToDropbox({ ...options, appKey: narrow.appKey, authorizeUrl: narrow.authorizeUrl, apiUrl: narrow.apiUrl }, person(narrow).io).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/lacks the permission files\.content\.read: tick it in the App Console/);
  });
});

describe('add-only single uploads', () => {
  it('created, then identical for the same bytes, a conflict for other bytes or a folder; nothing replaced, no second copy', async () => {
    const { emu, api } = await setup();
    const path = `${INVOICES}/FV_1_11_2026.pdf`;
    const first = await uploadOne(api, { path, body: bytes('%PDF one') });
    expect(first).toMatchObject({ outcome: 'created', metadata: { pathDisplay: path, size: 8 } });
    const again = await uploadOne(api, { path, body: bytes('%PDF one') });
    expect(again).toEqual({ outcome: 'identical', metadata: (first as { metadata: unknown }).metadata });
    expect(await uploadOne(api, { path: path.toUpperCase().replace('.PDF', '.pdf'), body: bytes('%PDF two') })).toEqual({ outcome: 'conflict', path: path.toUpperCase().replace('.PDF', '.pdf'), what: 'file' });
    expect(await uploadOne(api, { path: INVOICES, body: bytes('x') })).toEqual({ outcome: 'conflict', path: INVOICES, what: 'folder' });
    expect(emu.files.map((f) => [f.path, f.content.toString()])).toEqual([[`/Apps/BaseLinker Backup${path}`, '%PDF one']]);
    const upload = emu.requests.find((r) => r.route === 'files/upload')!;
    expect(upload.arg).toEqual({ path, mode: 'add', autorename: false, strict_conflict: false, mute: true, client_modified: '2026-11-21T01:00:00Z', content_hash: independentHash(Buffer.from('%PDF one')) });
    // One request per document in the normal path.
    expect(apiRoutes(emu)).toEqual(['files/upload', 'files/upload', 'files/upload', 'files/upload']);
  });

  it('a dropped answer after the write took effect is retried and resolved as identical: one file', async () => {
    const { emu, api } = await setup();
    emu.injectFault({ kind: 'dropResponse', match: { route: 'files/upload' } });
    const stored = await uploadOne(api, { path: '/doc.pdf', body: bytes('stored once') });
    expect(stored.outcome).toBe('identical');
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/doc.pdf']);
    expect(emu.requests.filter((r) => r.route === 'files/upload').map((r) => [r.status, (r.arg as { client_modified: string }).client_modified])).toEqual([
      [0, '2026-11-21T01:00:00Z'],
      [200, expect.not.stringMatching(/^2026-11-21T01:00:00Z$/)],
    ]);
  });

  it('Polish letters in paths survive the ASCII escaping of Dropbox-API-Arg', async () => {
    const { emu, api } = await setup();
    const path = '/Faktury/Łódź/FV_1 zażółć gęślą jaźń ♞.pdf';
    const stored = await uploadOne(api, { path, body: bytes('pdf') });
    expect(stored).toMatchObject({ outcome: 'created', metadata: { pathDisplay: path, name: 'FV_1 zażółć gęślą jaźń ♞.pdf' } });
    expect(emu.files.map((f) => f.path)).toEqual([`/Apps/BaseLinker Backup${path}`]);
  });

  it('a large spooled file goes through a session; a lost append answer and a lost finish answer are both recovered', async () => {
    const { emu, api } = await setup();
    const spool = `${tempDir()}/orders.csv`;
    const content = Buffer.alloc(17 * 1024 * 1024 + 5, 'zamówienie;ą;\n');
    fs.writeFileSync(spool, content);
    emu.injectFault({ kind: 'dropResponse', match: { route: 'files/upload_session/append_v2' } });
    emu.injectFault({ kind: 'dropResponse', match: { route: 'files/upload_session/finish' } });
    const stored = await uploadOne(api, { path: '/BaseLinker Backup/2026/11/Orders/orders.csv', body: { path: spool, size: content.length } });
    expect(stored).toMatchObject({ outcome: 'identical', metadata: { size: content.length, contentHash: independentHash(content) } });
    expect(emu.files).toHaveLength(1);
    expect(emu.files[0]!.content.equals(content)).toBe(true);
    expect(emu.requests.filter((r) => r.route.startsWith('files/')).map((r) => [r.route, r.status, r.errorSummary?.replace(/\/\.+$/, '')])).toEqual([
      ['files/upload_session/start', 200, undefined],
      ['files/upload_session/append_v2', 0, undefined],
      ['files/upload_session/append_v2', 409, 'incorrect_offset'],
      ['files/upload_session/append_v2', 200, undefined],
      ['files/upload_session/finish', 0, undefined],
      ['files/upload_session/finish', 409, 'lookup_failed/not_found'],
      ['files/get_metadata', 200, undefined],
    ]);
  });

  it('a full Dropbox stops with DestinationFullError saying what to do', async () => {
    const { emu, api } = await setup({ storageLimitBytes: 10 });
    const error = await uploadOne(api, { path: '/big.pdf', body: bytes('more than ten bytes') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationFullError);
    expect((error as Error).message).toBe('Dropbox is full (path/insufficient_space): free up space or upgrade the Dropbox plan; the next run stores the rest');
    expect(apiRoutes(emu)).toEqual(['files/upload']);
  });

  it('retries 5xx and network cuts with backoff, waits exactly what a 429 names, and gives up after the attempts', async () => {
    const { emu, api, clock } = await setup();
    emu.injectFault({ kind: 'serverError', status: 503, times: 2, match: { route: 'files/upload' } });
    emu.injectFault({ kind: 'resetMidUpload', match: { route: 'files/upload' } });
    emu.injectFault({ kind: 'rateLimited', reason: 'too_many_requests', retryAfterSeconds: 300, match: { route: 'files/upload' } });
    expect((await uploadOne(api, { path: '/a.pdf', body: bytes('a') })).outcome).toBe('created');
    expect(clock.slept).toHaveLength(4);
    expect(clock.slept[3]).toBe(300_000);
    expect(clock.slept.slice(0, 3).map((ms, i) => ms >= 1000 * 2 ** i && ms < 1000 * 2 ** i + 1000)).toEqual([true, true, true]);
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/a.pdf']);

    emu.injectFault({ kind: 'serverError', times: 8, match: { route: 'files/upload' } });
    const gaveUp = await uploadOne(api, { path: '/b.pdf', body: bytes('b') }).catch((e: unknown) => e);
    expect((gaveUp as Error).message).toBe('Dropbox files/upload kept failing: HTTP 500 Internal Server Error');
    expect(emu.requests.filter((r) => r.route === 'files/upload').length).toBe(5 + 8);
  });

  it('a host where nothing answers: after the attempts, the error names the address and the variable that sets it', async () => {
    const emu = await start();
    const clock = fakeClock();
    const contentUrl = `http://127.0.0.1:${await freePort()}/`;
    const tokens = dropboxTokens({ appKey: emu.appKey, refreshToken: emu.issueRefreshToken(), apiUrl: emu.apiUrl, clock });
    const api = new DropboxApi({ tokens, apiUrl: emu.apiUrl, contentUrl, clock, logger: silentLogger, attempts: 3 });
    const gaveUp = await uploadOne(api, { path: '/a.pdf', body: bytes('a') }).catch((e: unknown) => e);
    expect((gaveUp as Error).message).toMatch(/^Dropbox files\/upload kept failing: .*ECONNREFUSED.* at (\S+) \(DROPBOX_CONTENT_URL\)$/);
    expect((gaveUp as Error).message.endsWith(` at ${contentUrl} (DROPBOX_CONTENT_URL)`)).toBe(true);
    expect(clock.slept).toHaveLength(2);
  });

  it('refuses names Dropbox would refuse before any request, and bad input is not retried', async () => {
    const { emu, api } = await setup();
    for (const path of ['/x/desktop.ini', `/${'a'.repeat(256)}.pdf`, '/a\\b.pdf', '/ends with space ', 'relative.pdf']) {
      await expect(uploadOne(api, { path, body: bytes('x') })).rejects.toBeInstanceOf(DropboxNameError);
    }
    expect(emu.requests).toEqual([]);
  });
});

describe('batched uploads (finish_batch_v2)', () => {
  it('one session per file and ONE commit per batch; created, identical and conflict per caller, in one round', async () => {
    const { emu, api } = await setup();
    await uploadOne(api, { path: '/inv/same.pdf', body: bytes('same') });
    await uploadOne(api, { path: '/inv/taken.pdf', body: bytes('theirs') });
    const before = emu.requests.length;
    const batcher = createBatcher(api, { idleMs: 10_000 });
    const outcomes = Promise.all([
      batcher.add({ path: '/inv/new-1.pdf', body: bytes('new 1') }),
      batcher.add({ path: '/inv/same.pdf', body: bytes('same') }),
      batcher.add({ path: '/inv/TAKEN.pdf', body: bytes('ours') }),
      batcher.add({ path: '/inv/new-2.pdf', body: bytes('new 2') }),
    ]);
    await batcher.close();
    expect((await outcomes).map((o) => o.outcome)).toEqual(['created', 'identical', 'conflict', 'created']);
    expect(apiRoutes(emu, before).sort()).toEqual([...Array(4).fill('files/upload_session/start'), 'files/upload_session/finish_batch_v2'].sort());
    expect(emu.requests.slice(before).filter((r) => r.route === 'files/upload_session/start').map((r) => (r.arg as { close: boolean }).close)).toEqual([true, true, true, true]);
    expect(batcher.commits).toBe(1);
    expect(emu.files.map((f) => [f.path.split('/').pop(), f.content.toString()])).toEqual([
      ['same.pdf', 'same'],
      ['taken.pdf', 'theirs'],
      ['new-1.pdf', 'new 1'],
      ['new-2.pdf', 'new 2'],
    ]);
  });

  it('commits when full and on close; 9 documents in batches of 4 cost 9 starts and 3 commits', async () => {
    const { emu, api } = await setup();
    const batcher = createBatcher(api, { maxEntries: 4, idleMs: 60_000 });
    const all = Promise.all(Array.from({ length: 9 }, (_, i) => batcher.add({ path: `/o/${i}.csv`, body: bytes(`row ${i}`) })));
    await batcher.close();
    expect((await all).every((o) => o.outcome === 'created')).toBe(true);
    expect(emu.requests.filter((r) => r.route === 'files/upload_session/finish_batch_v2').map((r) => (r.arg as { entries: unknown[] }).entries.length)).toEqual([4, 4, 1]);
    expect(emu.requests.filter((r) => r.route === 'files/upload_session/start')).toHaveLength(9);
    expect(filesOnly(emu)).toHaveLength(9);
  });

  it('commits after an idle pause without being closed', async () => {
    const { emu, api } = await setup();
    const batcher = createBatcher(api, { idleMs: 50 });
    const outcomes = await Promise.all([1, 2, 3].map((i) => batcher.add({ path: `/idle/${i}.pdf`, body: bytes(`${i}`) })));
    expect(outcomes.map((o) => o.outcome)).toEqual(['created', 'created', 'created']);
    expect(batcher.commits).toBeGreaterThanOrEqual(1);
    expect(filesOnly(emu)).toHaveLength(3);
  });

  it('lock contention: the whole batch waits exactly the retry_after Dropbox names; contended entries are committed again', async () => {
    const { emu, api, clock } = await setup();
    const batcher = createBatcher(api, { idleMs: 10_000 });
    const a = batcher.add({ path: '/a.pdf', body: bytes('a') });
    const b = batcher.add({ path: '/b.pdf', body: bytes('b') });
    emu.contendCommits(2, 7);
    emu.injectFault({ kind: 'batchEntriesContended', entries: 1, match: { route: 'files/upload_session/finish_batch_v2' } });
    await batcher.close();
    expect([(await a).outcome, (await b).outcome]).toEqual(['created', 'created']);
    expect(clock.slept.slice(0, 2)).toEqual([7000, 7000]);
    expect(emu.requests.filter((r) => r.route === 'files/upload_session/finish_batch_v2').map((r) => [r.status, (r.arg as { entries: unknown[] }).entries.length])).toEqual([
      [429, 2],
      [429, 2],
      [200, 2],
      [200, 1],
    ]);
    expect(batcher.commits).toBe(2);
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/a.pdf', 'Apps/BaseLinker Backup/b.pdf']);
  });

  it('one batch committed at a time per account, even from two batchers on one lane: commits never overlap', async () => {
    const { emu, api } = await setup({ commitMs: 100 });
    const lane = commitLane();
    const first = createBatcher(api, { idleMs: 1, lane });
    const second = createBatcher(api, { idleMs: 1, lane });
    const outcomes = await Promise.all([
      ...[1, 2, 3].map((i) => first.add({ path: `/one/${i}.pdf`, body: bytes(`${i}`) })),
      ...[1, 2, 3].map((i) => second.add({ path: `/two/${i}.pdf`, body: bytes(`${i}`) })),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(6).fill('created'));
    expect(emu.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(first.commits + second.commits).toBe(emu.requests.filter((r) => r.route === 'files/upload_session/finish_batch_v2').length);
  });

  it('a lost batch answer: the retry finds the sessions gone and the files ours, so identical; no second copy', async () => {
    const { emu, api } = await setup();
    emu.injectFault({ kind: 'dropResponse', match: { route: 'files/upload_session/finish_batch_v2' } });
    const batcher = createBatcher(api, { idleMs: 10_000 });
    const outcomes = Promise.all(['/x.pdf', '/y.pdf'].map((path) => batcher.add({ path, body: bytes(path) })));
    await batcher.close();
    expect((await outcomes).map((o) => o.outcome)).toEqual(['identical', 'identical']);
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/x.pdf', 'Apps/BaseLinker Backup/y.pdf']);
  });

  it('insufficient_space and refused names come back as errors for their callers only', async () => {
    const { emu, api } = await setup({ storageLimitBytes: 8 });
    const batcher = createBatcher(api, { idleMs: 10_000 });
    const outcomes = Promise.all([batcher.add({ path: '/small.pdf', body: bytes('small') }), batcher.add({ path: '/large.pdf', body: bytes('large file') }), batcher.add({ path: '/Thumbs.db', body: bytes('x') })]);
    await batcher.close();
    const [small, large, refused] = await outcomes;
    expect(small!.outcome).toBe('created');
    expect(large).toMatchObject({ outcome: 'error', error: expect.any(DestinationFullError) });
    expect(refused).toMatchObject({ outcome: 'error', error: expect.any(DropboxNameError) });
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/small.pdf']);
  });

  it('takes files again after close(): a repair stores after the run has closed its destinations', async () => {
    const { emu, api } = await setup();
    const batcher = createBatcher(api, { idleMs: 10_000 });
    const first = batcher.add({ path: '/first.pdf', body: bytes('first') });
    await batcher.close();
    const late = batcher.add({ path: '/late.pdf', body: bytes('late') });
    await batcher.close();
    expect([(await first).outcome, (await late).outcome]).toEqual(['created', 'created']);
    expect(batcher.commits).toBe(2);
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/first.pdf', 'Apps/BaseLinker Backup/late.pdf']);
  });

  it('the idle commit waits for a file still going up, but no longer than maxWaitMs', async () => {
    const { emu, api } = await setup();
    // The second file's start is held back 300 ms: the first waits for it, then both go in one commit.
    emu.injectFault({ kind: 'delay', ms: 300, match: (r) => r.route === 'files/upload_session/start' && emu.requests.filter((q) => q.route === r.route).length === 2 });
    const batcher = createBatcher(api, { idleMs: 100 });
    const a = batcher.add({ path: '/a.pdf', body: bytes('a') });
    const b = batcher.add({ path: '/b.pdf', body: bytes('b') });
    expect([(await a).outcome, (await b).outcome]).toEqual(['created', 'created']);
    expect(emu.requests.filter((r) => r.route === 'files/upload_session/finish_batch_v2').map((r) => (r.arg as { entries: unknown[] }).entries.length)).toEqual([2]);

    // A file that takes longer than maxWaitMs to go up: what waits beside it is committed without it.
    emu.injectFault({ kind: 'delay', ms: 600, match: (r) => r.route === 'files/upload_session/start' && emu.requests.filter((q) => q.route === r.route).length === 4 });
    const patient = createBatcher(api, { idleMs: 100, maxWaitMs: 200 });
    const c = patient.add({ path: '/c.pdf', body: bytes('c') });
    const slow = patient.add({ path: '/slow.pdf', body: bytes('slow') });
    expect((await c).outcome).toBe('created');
    expect(filesOnly(emu)).not.toContain('Apps/BaseLinker Backup/slow.pdf');
    expect((await slow).outcome).toBe('created');
    expect(emu.requests.filter((r) => r.route === 'files/upload_session/finish_batch_v2').map((r) => (r.arg as { entries: unknown[] }).entries.length)).toEqual([2, 1, 1]);
  });

  it('Polish letters survive a batch too', async () => {
    const { emu, api } = await setup();
    const batcher = createBatcher(api);
    const outcome = batcher.add({ path: '/Paragony/PAR_ść_Żółw.pdf', body: bytes('p') });
    await batcher.close();
    expect(await outcome).toMatchObject({ outcome: 'created', metadata: { name: 'PAR_ść_Żółw.pdf' } });
    expect(emu.files.map((f) => f.path)).toEqual(['/Apps/BaseLinker Backup/Paragony/PAR_ść_Żółw.pdf']);
  });
});

describe('listing', () => {
  it('lists a folder page by page, recursively or not, with sizes and content hashes; a missing folder is empty', async () => {
    const { emu, api } = await setup();
    for (const name of ['FV_1.pdf', 'FV_2.pdf', 'FV_3.pdf']) await uploadOne(api, { path: `${INVOICES}/${name}`, body: bytes(name) });
    await uploadOne(api, { path: '/BaseLinker Backup/2026/11/Orders/orders.csv', body: bytes('csv') });
    emu.injectFault({ kind: 'shortPage', times: 2 });
    const collect = async (path: string, recursive = false) => {
      const out = [];
      for await (const e of listFolder(api, path, { recursive })) out.push(e);
      return out;
    };
    const invoices = await collect(INVOICES.toLowerCase());
    expect(invoices).toEqual(['FV_1.pdf', 'FV_2.pdf', 'FV_3.pdf'].map((name) => ({ kind: 'file', name, pathDisplay: `${INVOICES}/${name}`, id: expect.stringMatching(/^id:/), size: 8, contentHash: independentHash(Buffer.from(name)) })));
    expect(emu.requests.filter((r) => r.route.startsWith('files/list_folder')).map((r) => r.route)).toEqual(['files/list_folder', 'files/list_folder/continue', 'files/list_folder/continue']);
    expect((await collect('/BaseLinker Backup/2026', true)).map((e) => `${e.kind}:${e.pathDisplay}`)).toEqual([
      'folder:/BaseLinker Backup/2026/11',
      'folder:/BaseLinker Backup/2026/11/Invoices',
      `file:${INVOICES}/FV_1.pdf`,
      `file:${INVOICES}/FV_2.pdf`,
      `file:${INVOICES}/FV_3.pdf`,
      'folder:/BaseLinker Backup/2026/11/Orders',
      'file:/BaseLinker Backup/2026/11/Orders/orders.csv',
    ]);
    expect(await collect('/BaseLinker Backup/1999')).toEqual([]);
  });
});

describe('content hash and names', () => {
  it('hashes bytes and spooled files in 4 MiB blocks, whatever the chunks it is fed', async () => {
    const data = Buffer.alloc(9 * 1024 * 1024 + 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
    const spool = `${tempDir()}/x.bin`;
    fs.writeFileSync(spool, data);
    expect(await dropboxContentHash(data)).toBe(independentHash(data));
    expect(await dropboxContentHash({ path: spool, size: data.length })).toBe(independentHash(data));
    const odd = new DropboxContentHasher();
    for (let i = 0; i < data.length; i += 1_000_003) odd.update(data.subarray(i, i + 1_000_003));
    expect(odd.digest()).toBe(independentHash(data));
    expect(await dropboxContentHash(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('every name naming.ts makes is one Dropbox takes; what it misses is that Dropbox ignores case', () => {
    const hostile = ['FV/1/2026', 'desktop.ini', 'Thumbs.db', '.dropbox', 'Icon\r', 'CON', 'a\\b', 'trailing ', 'x\u007fy', '..', '…'.repeat(300), 'Ł'.repeat(200), '🧾'.repeat(100)];
    for (const number of hostile) {
      for (const name of candidateNames('invoices', number, '3107', 2, 'pdf')) expect(dropboxNameProblem(name), JSON.stringify(name)).toBeNull();
    }
    expect(dropboxNameProblem(safeBaseName('desktop.ini'))).toBe('is a system file name Dropbox does not store');
    expect(dropboxNameProblem('Rechnung 🧾.pdf')).toMatch(/outside the Basic Multilingual Plane/);
    expect(safeBaseName('Rechnung 🧾')).toBe('Rechnung _');
    expect(sameDropboxName('FV_1_11_2026.pdf', 'fv_1_11_2026.PDF')).toBe(true);
    expect(dropboxPath(['BaseLinker Backup', '2026', 'FV.pdf'])).toBe('/BaseLinker Backup/2026/FV.pdf');
    expect(() => checkedPath('/a/.ds_store')).toThrow(/system file name/);
  });
});
