// The low-level OneDrive client (src/destinations/onedrive) against the emulator over HTTP: token rotation, the
// device-code sign-in, create-only uploads that never replace, resumable sessions, Retry-After, and the errors a
// person reads. Whatever a test does, the emulator must record no replace, rename, delete, move or cancel.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createOnly, FRAGMENT_UNIT, type UploadContext } from '../../src/destinations/onedrive/createOnly.js';
import { GraphError } from '../../src/destinations/onedrive/errors.js';
import { GraphApi } from '../../src/destinations/onedrive/graphApi.js';
import { FolderMaker, listChildren, type DriveRoot } from '../../src/destinations/onedrive/items.js';
import { sameName } from '../../src/destinations/onedrive/names.js';
import { QuickXorHash } from '../../src/destinations/onedrive/quickXorHash.js';
import { APP_FOLDER_SCOPES, FULL_DRIVE_SCOPES, signInWithDeviceCode } from '../../src/destinations/onedrive/signIn.js';
import { TokenManager } from '../../src/destinations/onedrive/tokens.js';
import type { Clock } from '../../src/lib/clock.js';
import { DestinationFullError, UnauthorisedError, UsageError } from '../../src/lib/errors.js';
import { redact } from '../../src/lib/secrets.js';
import type { OneDriveEmulator, OneDriveEmulatorOptions } from '../../tools/emulators/onedrive/server.js';
import { oneDriveEmulator } from '../helpers/oneDriveEmulator.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { freePort } from '../helpers/freePort.js';


interface Setup {
  emu: OneDriveEmulator;
  clock: Clock & { slept: number[] };
  tokens: TokenManager;
  api: GraphApi;
  ctx: UploadContext;
  /** Every refresh token handed to saveRefreshToken, with the number of requests the emulator had seen then. */
  saved: { token: string; requestsSeen: number }[];
}

async function setup(o: OneDriveEmulatorOptions = {}, c: { root?: DriveRoot; scopes?: readonly string[] } = {}): Promise<Setup> {
  const clock = fakeClock();
  const emu = await oneDriveEmulator({ now: clock.now, ...o });
  const scopes = c.scopes ?? APP_FOLDER_SCOPES;
  const saved: Setup['saved'] = [];
  const tokens = new TokenManager({
    clientId: emu.clientId,
    loginUrl: emu.loginUrl,
    refreshToken: emu.issueRefreshToken(scopes.join(' ')),
    scopes,
    saveRefreshToken: (token) => void saved.push({ token, requestsSeen: emu.requests.length }),
    clock,
  });
  const api = new GraphApi({ tokens, clock, baseUrl: emu.graphUrl });
  const drive = { api, root: c.root ?? 'approot', business: o.driveType === 'business' };
  return { emu, clock, tokens, api, ctx: { drive, folders: new FolderMaker(drive), fragmentBytes: FRAGMENT_UNIT }, saved };
}

const FOLDER = ['2026', '11', 'Invoices'];
const ROOT = 'Apps/BaseLinker Backup';
const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7 ${text}`));
const hashOf = (bytes: Uint8Array) => new QuickXorHash().update(bytes).digest();
const stored = (emu: OneDriveEmulator, path: string) => emu.files.filter((f) => f.path === path);
/** The n-th (1-based) PUT to an upload URL. */
const nthFragment = (n: number) => {
  let seen = 0;
  return (r: { method: string; path: string }) => r.method === 'PUT' && r.path.startsWith('/up/') && ++seen === n;
};

describe('tokens', () => {
  it('saves every rotated refresh token before its access token is used, and never lets one reach a log', async () => {
    const { emu, api, clock, saved, tokens } = await setup({ accessTokenTtlSeconds: 600, refreshGraceSeconds: 60 });
    for (let i = 0; i < 3; i++) {
      await api.send({ what: 'read the app folder', method: 'GET', path: 'me/drive/special/approot' });
      await clock.sleep(601_000);
    }
    expect(saved).toHaveLength(3);
    expect(new Set(saved.map((s) => s.token)).size).toBe(3);
    expect(tokens.requests).toBe(3);
    // Each was saved when its token answer was the emulator's last request: before any Graph call used it.
    for (const s of saved) {
      expect(emu.requests[s.requestsSeen - 1]).toMatchObject({ method: 'POST', path: '/common/oauth2/v2.0/token', status: 200 });
      expect(redact(`token ${s.token}`)).toBe('token [redacted]');
    }
    // The sign-in replaced long ago is dead; the last one saved lives.
    const old = new TokenManager({ clientId: emu.clientId, loginUrl: emu.loginUrl, refreshToken: saved[0]!.token, scopes: APP_FOLDER_SCOPES, saveRefreshToken: () => {}, clock });
    await expect(old.accessToken()).rejects.toThrow(UnauthorisedError);
    const last = new TokenManager({ clientId: emu.clientId, loginUrl: emu.loginUrl, refreshToken: saved[2]!.token, scopes: APP_FOLDER_SCOPES, saveRefreshToken: () => {}, clock });
    expect(await last.accessToken()).toEqual(expect.any(String));
  });

  it('makes one refresh for concurrent callers, and refreshes once when Graph refuses a token it thought valid', async () => {
    // The emulator's clock runs ahead of the client's: the cached token expires there first.
    let emulatorNow = Date.UTC(2026, 10, 21);
    const { emu, api, tokens } = await setup({ now: () => emulatorNow, accessTokenTtlSeconds: 3600 });
    await Promise.all([tokens.accessToken(), tokens.accessToken(), tokens.accessToken()]);
    expect(tokens.requests).toBe(1);
    emulatorNow += 3600_000;
    const r = await api.send({ what: 'read the app folder', method: 'GET', path: 'me/drive/special/approot' });
    expect(r.status).toBe(200);
    expect(emu.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      'POST /common/oauth2/v2.0/token 200',
      'GET /v1.0/me/drive/special/approot 401',
      'POST /common/oauth2/v2.0/token 200',
      'GET /v1.0/me/drive/special/approot 200',
    ]);
  });

  it.each([
    ['a removed consent', (emu: OneDriveEmulator) => emu.revokeConsent(), /AADSTS65001.*access was removed/],
    ['a password change', (emu: OneDriveEmulator) => emu.revokeSessions(), /AADSTS50173.*password was changed/],
  ])('turns invalid_grant after %s into one line naming `backup auth onedrive`', async (_what, kill, message) => {
    const { emu, api } = await setup();
    kill(emu);
    const failure = api.send({ what: 'read the app folder', method: 'GET', path: 'me/drive/special/approot' });
    await expect(failure).rejects.toThrow(UnauthorisedError);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toThrow(/Run `backup auth onedrive`/);
    expect(emu.requests).toHaveLength(1);
  });

  it('explains a refresh token idle for 90 days', async () => {
    const { clock, api } = await setup();
    await clock.sleep(91 * 24 * 3600_000);
    await expect(api.send({ what: 'x', method: 'GET', path: 'me' })).rejects.toThrow(/AADSTS700082.*not used for 90 days/);
  });
});

describe('device-code sign-in', () => {
  /** A clock that lets the person act in the emulator after the n-th wait of the client. */
  function personAt(emu: OneDriveEmulator, clock: ReturnType<typeof fakeClock>, n: number, act: (userCode: string) => void): Clock {
    let waits = 0;
    return {
      now: clock.now,
      sleep: async (ms) => {
        await clock.sleep(ms);
        if (++waits === n) act(emu.pendingDeviceCodes()[0]!.userCode);
      },
    };
  }

  it('shows Microsoft message, polls at the interval, slows down when told to, and returns the sign-in and the account', async () => {
    const clock = fakeClock();
    // Microsoft says 5 s but wants 8: the first poll gets slow_down, and the client must then wait 10 s.
    const emu = await oneDriveEmulator({ now: clock.now, minPollIntervalSeconds: 8 });
    const said: string[] = [];
    const signedIn = await signInWithDeviceCode({
      clientId: emu.clientId,
      loginUrl: emu.loginUrl,
      graphUrl: emu.graphUrl,
      scopes: APP_FOLDER_SCOPES,
      say: (text) => said.push(text),
      clock: personAt(emu, clock, 3, (code) => emu.approveDeviceCode(code)),
    });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^To sign in, use a web browser to open the page https:\/\/www\.microsoft\.com\/link and enter the code [A-Z0-9]{8} to authenticate\.$/);
    expect(clock.slept).toEqual([5000, 10_000, 10_000]);
    const polls = emu.requests.filter((r) => r.path === '/common/oauth2/v2.0/token').map((r) => r.status);
    expect(polls).toEqual([400, 400, 200]);
    expect(signedIn.account).toEqual({ id: emu.user.id, userPrincipalName: 'owner@outlook.com', displayName: 'Backup Owner' });
    expect(signedIn.grantedScopes).toEqual(['Files.ReadWrite.AppFolder', 'User.Read']);
    expect(emu.grantedScopes()).toEqual([['Files.ReadWrite.AppFolder', 'User.Read', 'offline_access']]);
    expect(redact(signedIn.refreshToken)).toBe('[redacted]');
    // The sign-in works.
    const tokens = new TokenManager({ clientId: emu.clientId, loginUrl: emu.loginUrl, refreshToken: signedIn.refreshToken, scopes: APP_FOLDER_SCOPES, saveRefreshToken: () => {}, clock });
    expect(await tokens.accessToken()).toEqual(expect.any(String));
  });

  it('says so in one line when the person declines, or never finishes', async () => {
    const clock = fakeClock();
    const emu = await oneDriveEmulator({ now: clock.now, deviceCodeTtlSeconds: 60 });
    const base = { clientId: emu.clientId, loginUrl: emu.loginUrl, graphUrl: emu.graphUrl, scopes: FULL_DRIVE_SCOPES, say: () => {} };
    const declined = signInWithDeviceCode({ ...base, clock: personAt(emu, clock, 2, (code) => emu.declineDeviceCode(code)) });
    await expect(declined).rejects.toThrow(UnauthorisedError);
    await expect(declined).rejects.toThrow(/declined at Microsoft; run `backup auth onedrive` again/);
    const abandoned = signInWithDeviceCode({ ...base, clock });
    await expect(abandoned).rejects.toThrow(UsageError);
    await expect(abandoned).rejects.toThrow(/the sign-in code expired/);
  });

  it('says what to change when the app registration does not allow public client flows', async () => {
    const clock = fakeClock();
    const emu = await oneDriveEmulator({ now: clock.now, allowPublicClientFlows: false });
    const said: string[] = [];
    const refused = signInWithDeviceCode({ clientId: emu.clientId, loginUrl: emu.loginUrl, scopes: APP_FOLDER_SCOPES, say: (t) => said.push(t), clock });
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/"Allow public client flows" to Yes/);
    expect(said).toHaveLength(1);
  });

  it('turns a refused app registration into a usage error', async () => {
    const clock = fakeClock();
    const emu = await oneDriveEmulator({ now: clock.now, appAudience: 'PersonalMicrosoftAccount' });
    const refused = signInWithDeviceCode({ clientId: emu.clientId, loginUrl: emu.loginUrl, tenant: 'organizations', scopes: APP_FOLDER_SCOPES, say: () => {}, clock });
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/invalid_request AADSTS9002331.*app registration/);
  });
});

describe('folders and listings', () => {
  it('makes a folder path once, one folder at a time, and finds it afterwards with a single read', async () => {
    const { emu, ctx } = await setup();
    const [a, b] = await Promise.all([ctx.folders.ensure(FOLDER), ctx.folders.ensure(FOLDER)]);
    expect(a.id).toBe(b.id);
    expect(emu.tree()).toEqual(['Apps/', `${ROOT}/`, `${ROOT}/2026/`, `${ROOT}/2026/11/`, `${ROOT}/2026/11/Invoices/`]);
    expect(emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/children'))).toHaveLength(3);
    const before = emu.requests.length;
    const again = await new FolderMaker(ctx.drive).ensure(FOLDER);
    expect(again.id).toBe(a.id);
    expect(emu.requests.length - before).toBe(1);
  });

  it('reads a folder made by someone else between its lookup and its creation (409), and makes no second one', async () => {
    const { emu, ctx } = await setup();
    await ctx.folders.ensure(['2026']);
    // The owner makes "11" just before our POST for it arrives.
    emu.injectFault({ kind: 'delay', ms: 0, match: (r) => r.method === 'POST' && r.path.endsWith('/children') && Boolean(emu.seed({ path: `${ROOT}/2026/11` })) });
    const made = await new FolderMaker(ctx.drive).ensure(['2026', '11']);
    expect(made.id).toBe(emu.files.find((f) => f.path === `${ROOT}/2026/11`)!.id);
    expect(emu.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v1.0/')).map((r) => r.status)).toEqual([201, 409]);
    expect(emu.tree().filter((p) => p.startsWith(`${ROOT}/2026/11`))).toEqual([`${ROOT}/2026/11/`]);
  });

  it('lists every page of a folder, short pages included, and nothing for a folder that does not exist', async () => {
    const { emu, ctx } = await setup({ maxPageSize: 2 });
    for (const n of ['e', 'a', 'd', 'b', 'c']) emu.seed({ path: `${ROOT}/2026/${n}.pdf`, content: n });
    emu.injectFault({ kind: 'shortPage', size: 1 });
    const listed = await listChildren(ctx.drive, { parentPath: ['2026'] });
    expect(listed.map((i) => i.name)).toEqual(['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf', 'e.pdf']);
    expect(listed[0]).toEqual({ id: expect.any(String), name: 'a.pdf', size: 1, file: { mimeType: 'application/pdf', hashes: expect.objectContaining({ quickXorHash: hashOf(Buffer.from('a')) }) } });
    expect(emu.requests.filter((r) => r.path.endsWith('/children'))).toHaveLength(3);
    expect(await listChildren(ctx.drive, { parentPath: ['1999'] })).toEqual([]);
  });
});

describe('create-only uploads', () => {
  it('stores a small file in one PUT (making its folders); the same name again is "exists" and nothing changes', async () => {
    const { emu, ctx } = await setup();
    const first = await createOnly(ctx, { parentPath: FOLDER, name: 'FV_1.pdf', body: pdf('one') });
    expect(first).toMatchObject({ outcome: 'created', item: { name: 'FV_1.pdf', size: pdf('one').length, file: { hashes: { quickXorHash: hashOf(pdf('one')) } } } });
    // One read makes the app folder (it exists only after its first GET); then one request per file.
    expect(emu.requests.filter((r) => r.path.startsWith('/v1.0/')).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PUT 201']);
    const again = await createOnly(ctx, { parentPath: FOLDER, name: 'fv_1.PDF', body: pdf('two') });
    expect(again).toEqual({ outcome: 'exists', item: { ...first.item, file: expect.anything() } });
    expect(stored(emu, `${ROOT}/2026/11/Invoices/FV_1.pdf`).map((f) => f.content.toString())).toEqual(['%PDF-1.7 one']);
  });

  it('a PUT whose answer was lost is retried, and the 409 it then meets is recognised as our own file', async () => {
    const { emu, ctx } = await setup();
    emu.injectFault({ kind: 'dropResponse', match: { method: 'PUT' } });
    const r = await createOnly(ctx, { parentPath: FOLDER, name: 'FV_2.pdf', body: pdf('two') });
    expect(r.outcome).toBe('created');
    expect(emu.requests.filter((q) => q.method === 'PUT').map((q) => q.status)).toEqual([0, 409]);
    expect(stored(emu, `${ROOT}/2026/11/Invoices/FV_2.pdf`)).toHaveLength(1);
  });

  it('a file already there by hand is "exists", with its own hash for the caller to compare', async () => {
    const { emu, ctx } = await setup();
    emu.seed({ path: `${ROOT}/2026/11/Invoices/FV_3.pdf`, content: 'the owner put this here' });
    const r = await createOnly(ctx, { parentPath: FOLDER, name: 'FV_3.pdf', body: pdf('ours') });
    expect(r.outcome).toBe('exists');
    expect(r.item.file?.hashes?.quickXorHash).toBe(hashOf(Buffer.from('the owner put this here')));
    expect(stored(emu, `${ROOT}/2026/11/Invoices/FV_3.pdf`)[0]!.content.toString()).toBe('the owner put this here');
  });

  it('where a simple PUT ignores conflictBehavior, the caller listing the folder first is what keeps existing files', async () => {
    // Some reports say a simple PUT replaces whatever conflictBehavior says (msgraph-sdk-php #186). createOnly
    // cannot tell, so the caller lists the folder and never asks to store a name it saw taken.
    const { emu, ctx } = await setup({ simplePutIgnoresConflictBehavior: true });
    emu.seed({ path: `${ROOT}/2026/11/Invoices/FV_4.pdf`, content: 'keep me' });
    const taken = await listChildren(ctx.drive, { parentPath: FOLDER });
    for (const name of ['FV_4.pdf', 'FV_5.pdf']) {
      if (taken.some((i) => sameName(i.name, name))) continue;
      expect((await createOnly(ctx, { parentPath: FOLDER, name, body: pdf(name) })).outcome).toBe('created');
    }
    expect(emu.files.filter((f) => !f.folder).map((f) => [f.name, f.content.toString()])).toEqual([
      ['FV_4.pdf', 'keep me'],
      ['FV_5.pdf', '%PDF-1.7 FV_5.pdf'],
    ]);
  });

  it('refuses a name OneDrive would refuse before asking, and does not retry a path Graph finds too long', async () => {
    const { emu, ctx } = await setup();
    await expect(createOnly(ctx, { parentPath: FOLDER, name: 'a:b.pdf', body: pdf('x') })).rejects.toThrow(/contains a character OneDrive refuses/);
    expect(emu.requests).toHaveLength(0);
    // 395 characters below our root fit our check, but not Graph's, which counts from the drive's root.
    const deep = ['x'.repeat(190), 'y'.repeat(190)];
    const failure = createOnly(ctx, { parentPath: deep, name: 'FV_6.pdf', body: pdf('x') });
    await expect(failure).rejects.toThrow(GraphError);
    await expect(failure).rejects.toThrow(/HTTP 400 invalidRequest\/pathIsTooLong/);
    expect(emu.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});

describe('create-only uploads in a session', () => {
  const big = (fragments: number, extra = 1234) => new Uint8Array(randomBytes(fragments * FRAGMENT_UNIT + extra));
  /** Sessions from one fragment up, so that a few 320 KiB fragments make a session upload. */
  const sessionSetup = async (o: OneDriveEmulatorOptions = {}) => {
    const s = await setup(o);
    return { ...s, ctx: { ...s.ctx, simpleUploadMaxBytes: FRAGMENT_UNIT } };
  };

  it('sends fragments of 320 KiB multiples with an explicit fail, without Authorization, and stores the exact bytes', async () => {
    const { emu, ctx } = await sessionSetup();
    const body = big(3);
    const r = await createOnly(ctx, { parentPath: ['2026', '11', 'Orders'], name: 'orders.csv', body });
    expect(r).toMatchObject({ outcome: 'created', item: { name: 'orders.csv', size: body.length } });
    expect(stored(emu, `${ROOT}/2026/11/Orders/orders.csv`)[0]!.content.equals(Buffer.from(body))).toBe(true);
    const fragments = emu.requests.filter((q) => q.path === '/up/[redacted]');
    expect(fragments.map((q) => `${q.method} ${q.status} ${q.authorization}`)).toEqual(['PUT 202 false', 'PUT 202 false', 'PUT 202 false', 'PUT 201 false']);
    expect(emu.uploadSessions()).toEqual([{ name: 'orders.csv', parentPath: `${ROOT}/2026/11/Orders`, received: 3 * FRAGMENT_UNIT, total: body.length, state: 'done' }]);
  });

  it('resumes from what the session says arrived after a connection cut mid-fragment', async () => {
    const { emu, ctx, clock } = await sessionSetup();
    const body = big(3);
    emu.injectFault({ kind: 'resetMidUpload', afterBytes: 100_000, match: nthFragment(2) });
    const r = await createOnly(ctx, { parentPath: ['Orders'], name: 'orders.csv', body });
    expect(r.outcome).toBe('created');
    expect(stored(emu, `${ROOT}/Orders/orders.csv`)[0]!.content.equals(Buffer.from(body))).toBe(true);
    expect(emu.requests.filter((q) => q.path === '/up/[redacted]').map((q) => `${q.method} ${q.status}`)).toEqual(['PUT 202', 'PUT 0', 'GET 200', 'PUT 202', 'PUT 202', 'PUT 201']);
    expect(clock.slept).toHaveLength(1);
  });

  it('after a lost answer to the last fragment, asks the folder (not the dead session) and finds its own file', async () => {
    const { emu, ctx } = await sessionSetup();
    const body = big(2);
    emu.injectFault({ kind: 'dropResponse', match: nthFragment(3) });
    const r = await createOnly(ctx, { parentPath: ['Orders'], name: 'orders.csv', body });
    expect(r.outcome).toBe('created');
    expect(r.item.file?.hashes?.quickXorHash).toBe(hashOf(body));
    const afterDrop = emu.requests.slice(emu.requests.findIndex((q) => q.fault === 'dropResponse') + 1);
    expect(afterDrop.map((q) => `${q.method} ${q.path.startsWith('/up/') ? 'uploadUrl' : 'item'} ${q.status}`)).toEqual(['GET item 200']);
    expect(stored(emu, `${ROOT}/Orders/orders.csv`)).toHaveLength(1);
  });

  it('a name already taken is "exists" at the session start; one taken meanwhile is "exists" at the last fragment', async () => {
    const { emu, ctx } = await sessionSetup();
    emu.seed({ path: `${ROOT}/Orders/before.csv`, content: 'theirs' });
    const early = await createOnly(ctx, { parentPath: ['Orders'], name: 'before.csv', body: big(1) });
    expect(early).toMatchObject({ outcome: 'exists', item: { size: 6 } });
    const lastFragment = nthFragment(2);
    emu.injectFault({ kind: 'delay', ms: 0, match: (q) => lastFragment(q) && Boolean(emu.seed({ path: `${ROOT}/Orders/meanwhile.csv`, content: 'raced' })) });
    const late = await createOnly(ctx, { parentPath: ['Orders'], name: 'meanwhile.csv', body: big(1) });
    expect(late).toMatchObject({ outcome: 'exists', item: { size: 5 } });
    expect(stored(emu, `${ROOT}/Orders/meanwhile.csv`)[0]!.content.toString()).toBe('raced');
  });

  it('starts a new session when one expires mid-upload, and never cancels one', async () => {
    let emulatorNow = Date.UTC(2026, 10, 21);
    const { emu, ctx } = await sessionSetup({ now: () => emulatorNow, sessionTtlMs: 60_000 });
    const secondFragment = nthFragment(2);
    emu.injectFault({ kind: 'delay', ms: 0, match: (q) => secondFragment(q) && Boolean((emulatorNow += 60_000)) });
    const r = await createOnly(ctx, { parentPath: ['Orders'], name: 'orders.csv', body: big(2) });
    expect(r.outcome).toBe('created');
    expect(emu.uploadSessions().map((s) => s.state)).toEqual(['expired', 'done']);
    expect(emu.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
  });
});

describe('throttling and failures', () => {
  it('waits exactly what Retry-After says, in seconds or as an HTTP date, and backs off without one', async () => {
    const { emu, api, clock } = await setup();
    await api.send({ what: 'warm up', method: 'GET', path: 'me/drive/special/approot' });
    emu.injectFault({ kind: 'throttled', status: 429, retryAfterSeconds: 7 });
    emu.injectFault({ kind: 'throttled', status: 503, retryAfterSeconds: 30, retryAfterAsDate: true });
    emu.injectFault({ kind: 'serverError', status: 500 });
    const r = await api.send({ what: 'read the app folder', method: 'GET', path: 'me/drive/special/approot' });
    expect(r.status).toBe(200);
    expect(clock.slept.slice(0, 2)).toEqual([7000, 30_000]);
    expect(clock.slept[2]).toBeGreaterThanOrEqual(4000);
    expect(clock.slept[2]).toBeLessThan(5000);
    expect(emu.requests.slice(-4).map((q) => q.status)).toEqual([429, 503, 500, 200]);
    expect(api.requests).toBe(5);
  });

  it('a root where nothing answers is retried as an outage, then named with the address and ONEDRIVE_API_ROOT_URL', async () => {
    const { tokens, clock } = await setup();
    const baseUrl = `http://127.0.0.1:${await freePort()}/v1.0/`;
    const api = new GraphApi({ tokens, clock, baseUrl, attempts: 3 });
    const error = await api.send({ what: 'read the app folder', method: 'GET', path: 'me/drive/special/approot' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^OneDrive read the app folder: .*ECONNREFUSED.* at (\S+) \(ONEDRIVE_API_ROOT_URL\)$/);
    expect((error as Error).message.endsWith(` at ${baseUrl} (ONEDRIVE_API_ROOT_URL)`)).toBe(true);
    expect(clock.slept).toHaveLength(2);
  });

  it('gives up at once, in one line, when asked to wait longer than it may', async () => {
    const { emu, api, clock } = await setup();
    emu.injectFault({ kind: 'throttled', retryAfterSeconds: 3600 });
    await expect(api.send({ what: 'read the app folder', method: 'GET', path: 'me/drive/special/approot' })).rejects.toThrow(DestinationFullError);
    expect(clock.slept).toEqual([]);
  });

  it('stops at a full OneDrive (507) with what to do, without retrying', async () => {
    const { emu, ctx } = await setup({ storageQuotaBytes: 10 });
    const failure = createOnly(ctx, { parentPath: FOLDER, name: 'FV_7.pdf', body: pdf('too big for the quota') });
    await expect(failure).rejects.toThrow(DestinationFullError);
    await expect(failure).rejects.toThrow(/OneDrive is full \(quotaLimitReached\): free up space/);
    expect(emu.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
  });

  it('a work account with the app-folder permission is refused in one line that says why', async () => {
    const { ctx } = await setup({ driveType: 'business' });
    const failure = createOnly(ctx, { parentPath: FOLDER, name: 'FV_8.pdf', body: pdf('x') });
    await expect(failure).rejects.toThrow(UnauthorisedError);
    await expect(failure).rejects.toThrow(/accessDenied.*not at all on work or school accounts/);
  });

  it('works in the drive root with the full-drive permission', async () => {
    const { emu, ctx } = await setup({ driveType: 'business' }, { root: 'root', scopes: FULL_DRIVE_SCOPES });
    expect((await createOnly(ctx, { parentPath: ['BaseLinker Backup', '2026'], name: 'FV_9.pdf', body: pdf('x') })).outcome).toBe('created');
    expect(emu.tree()).toEqual(['BaseLinker Backup/', 'BaseLinker Backup/2026/', 'BaseLinker Backup/2026/FV_9.pdf']);
  });
});
