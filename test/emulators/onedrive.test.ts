// Tests of the OneDrive emulator itself, over real HTTP with fetch: the wire formats Microsoft documents (status
// codes, error bodies, headers), the traps it is meant to set (replace by default, case-insensitive names, short
// pages, rotating refresh tokens), and its records (violations, requests without secrets).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEVICE_CODE_GRANT,
  FRAGMENT_UNIT,
  quickXorHash,
  startOneDriveEmulator,
  type OneDriveEmulator,
  type OneDriveEmulatorOptions,
} from '../../tools/emulators/onedrive/server.js';

const running: OneDriveEmulator[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

async function start(o: OneDriveEmulatorOptions = {}): Promise<OneDriveEmulator> {
  const emu = await startOneDriveEmulator(o);
  running.push(emu);
  return emu;
}

/** A controllable clock for the emulator. */
function clock(start = Date.UTC(2026, 10, 21, 1, 0, 0)) {
  const c = { t: start, now: () => c.t, advance: (ms: number) => void (c.t += ms) };
  return c;
}

/** A response, its JSON body read field by field: `at` for any value, `text` for a string, `list` for an array. */
interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  at(...keys: (string | number)[]): unknown;
  text(...keys: (string | number)[]): string;
  list(...keys: (string | number)[]): Record<string, unknown>[];
}

async function answer(r: Response): Promise<Answer> {
  const raw = await r.text();
  let body: unknown = raw;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  const at = (...keys: (string | number)[]) => keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], body);
  const text = (...keys: (string | number)[]) => {
    const v = at(...keys);
    if (typeof v !== 'string') throw new Error(`${keys.join('.')} is not a string in ${raw}`);
    return v;
  };
  const list = (...keys: (string | number)[]) => {
    const v = at(...keys);
    if (!Array.isArray(v)) throw new Error(`${keys.join('.')} is not an array in ${raw}`);
    return v as Record<string, unknown>[];
  };
  return { status: r.status, headers: r.headers, body, at, text, list };
}

async function form(emu: OneDriveEmulator, tenant: string, endpoint: 'token' | 'devicecode', fields: Record<string, string>): Promise<Answer> {
  return answer(await fetch(`${emu.loginUrl}${tenant}/oauth2/v2.0/${endpoint}`, { method: 'POST', body: new URLSearchParams(fields) }));
}

/** Asks for a device code; `poll` then redeems it once. */
async function deviceCode(emu: OneDriveEmulator, tenant = 'common', scope = FULL) {
  const code = await form(emu, tenant, 'devicecode', { client_id: emu.clientId, scope });
  const poll = () => form(emu, tenant, 'token', { grant_type: DEVICE_CODE_GRANT, client_id: emu.clientId, device_code: code.text('device_code') });
  return { code, userCode: code.text('user_code'), poll };
}

async function refresh(emu: OneDriveEmulator, refreshToken: string, tenant = 'common'): Promise<Answer> {
  return form(emu, tenant, 'token', { grant_type: 'refresh_token', client_id: emu.clientId, refresh_token: refreshToken });
}

async function accessToken(emu: OneDriveEmulator, scope?: string): Promise<string> {
  const r = await refresh(emu, emu.issueRefreshToken(scope));
  expect(r.status).toBe(200);
  return r.text('access_token');
}

/** A Graph call; `path` is relative to the Graph base URL, or absolute. */
async function graph(emu: OneDriveEmulator, token: string | null, method: string, path: string, o: { json?: unknown; body?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (token) headers['authorization'] = `Bearer ${token}`;
  let body: Buffer | string | undefined = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] = 'application/json';
  }
  const url = path.startsWith('http') ? path : `${emu.graphUrl}${path}`;
  return answer(await fetch(url, { method, headers, body, redirect: 'manual' }));
}

/** Graph's error shape, with the diagnostic fields it always carries. */
function expectGraphError(a: Answer, status: number, code: string, innerCode?: string): void {
  expect(a.status).toBe(status);
  expect(a.at('error', 'code')).toBe(code);
  expect(typeof a.at('error', 'message')).toBe('string');
  expect(a.at('error', 'innerError')).toMatchObject({ date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), 'request-id': expect.any(String), 'client-request-id': expect.any(String) });
  if (innerCode !== undefined) expect(a.at('error', 'innerError', 'code')).toBe(innerCode);
}

function expectAadError(a: Answer, status: number, error: string, aadsts: number): void {
  expect(a.status).toBe(status);
  expect(a.body).toMatchObject({ error, error_codes: [aadsts], trace_id: expect.any(String), correlation_id: expect.any(String), error_uri: `https://login.microsoftonline.com/error?code=${aadsts}` });
  expect(a.at('error_description')).toMatch(new RegExp(`^AADSTS${aadsts}: .+\\r\\nTrace ID: .+\\r\\nCorrelation ID: .+\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
}

const pdf = (text: string) => Buffer.from(`%PDF-1.7 ${text}`);
const FULL = 'Files.ReadWrite User.Read offline_access';

describe('quickXorHash', () => {
  // From rclone's backend/onedrive/quickxorhash/quickxorhash_test.go.
  it.each([
    ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
    ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
    ['T6LYJIfDh81JrAK309H2JMJTXis=', 'zBTHrspn3mEcohlJdIUAbjGNaNg='],
    [
      'ikwCorI7PKWz17EI50jZCGbV9JU2E8bXVfxNMg5zdmqSZ2NlsQPp0kqYIPjzwTg1MBtfWPg53k0h0P2naJNEVgrqpoHTfV2b3pJ4m0zYPTJmUX4Bg/lOxcnCxAYKU29Y5F0U8Quz7ZXFBEweftXxJ7RS4r6N7BzJrPsLhY7hgck=',
      'imAoFvCWlDn4yVw3/oq1PDbbm6U=',
    ],
  ])('of %s is %s', (input, expected) => {
    expect(quickXorHash(Buffer.from(input, 'base64'))).toBe(expected);
  });
});

describe('identity platform: device code flow', () => {
  it('issues a code, answers authorization_pending until approved, then tokens; the code works once', async () => {
    const c = clock();
    const emu = await start({ now: c.now });
    const { code: dc, userCode, poll } = await deviceCode(emu, 'common', 'Files.ReadWrite.AppFolder User.Read offline_access');
    expect(dc.status).toBe(200);
    expect(Object.keys(dc.body as object).sort()).toEqual(['device_code', 'expires_in', 'interval', 'message', 'user_code', 'verification_uri']);
    expect(dc.body).toMatchObject({ expires_in: 900, interval: 5 });
    expect(dc.text('message')).toContain(dc.text('verification_uri'));
    expect(dc.text('message')).toContain(dc.text('user_code'));

    c.advance(5000);
    expectAadError(await poll(), 400, 'authorization_pending', 70016);
    expect(emu.pendingDeviceCodes().map((p) => p.userCode)).toEqual([userCode]);
    emu.approveDeviceCode(userCode);
    c.advance(5000);
    const done = await poll();
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ token_type: 'Bearer', scope: 'Files.ReadWrite.AppFolder User.Read', expires_in: 3600 });
    expect(done.at('refresh_token')).toEqual(expect.any(String));
    expect(emu.grantedScopes()).toEqual([['Files.ReadWrite.AppFolder', 'User.Read', 'offline_access']]);
    c.advance(5000);
    expectAadError(await poll(), 400, 'bad_verification_code', 70000);
  });

  it('answers slow_down to a poll within the interval, and the interval then grows by 5 s', async () => {
    const c = clock();
    const emu = await start({ now: c.now });
    const { poll } = await deviceCode(emu, 'consumers');
    c.advance(1000);
    expectAadError(await poll(), 400, 'slow_down', 70016);
    c.advance(5000);
    // 5 s is no longer enough: the interval is now 10 s.
    expectAadError(await poll(), 400, 'slow_down', 70016);
    c.advance(15_000);
    expectAadError(await poll(), 400, 'authorization_pending', 70016);
  });

  it('answers authorization_declined and expired_token', async () => {
    const c = clock();
    const emu = await start({ now: c.now });
    const declined = await deviceCode(emu);
    emu.declineDeviceCode(declined.userCode);
    c.advance(5000);
    expectAadError(await declined.poll(), 400, 'authorization_declined', 65004);
    const late = await deviceCode(emu);
    c.advance(900_000);
    expectAadError(await late.poll(), 400, 'expired_token', 70019);
    expect(() => emu.approveDeviceCode(late.userCode)).toThrow(/no pending sign-in/);
  });

  it('refuses what AAD refuses: a tenant that does not serve the account, the app audience, a secret, a registration without public client flows, an unknown client or scope', async () => {
    const personal = await start();
    const org = await deviceCode(personal, 'organizations');
    expect(() => personal.approveDeviceCode(org.userCode)).toThrow(/AADSTS50020/);
    expectAadError(await refresh(personal, personal.issueRefreshToken(FULL), 'organizations'), 400, 'invalid_grant', 50020);
    expect((await refresh(personal, personal.issueRefreshToken(FULL), personal.tenantId)).status).toBe(200);
    expectAadError(await form(personal, 'common', 'token', { grant_type: 'refresh_token', client_id: personal.clientId, client_secret: 'x', refresh_token: 'y' }), 401, 'invalid_client', 700025);
    expectAadError(await form(personal, 'common', 'devicecode', { client_id: 'not-our-app', scope: FULL }), 400, 'unauthorized_client', 700016);
    expectAadError(await form(personal, 'common', 'devicecode', { client_id: personal.clientId, scope: 'Files.Everything' }), 400, 'invalid_scope', 70011);
    expectAadError(await form(personal, 'no tenant', 'devicecode', { client_id: personal.clientId, scope: FULL }), 400, 'invalid_request', 90002);
    expectAadError(await form(personal, 'common', 'token', { client_id: personal.clientId }), 400, 'invalid_request', 900144);

    const business = await start({ driveType: 'business' });
    expectAadError(await refresh(business, business.issueRefreshToken(FULL), 'consumers'), 400, 'invalid_grant', 500208);
    expect((await refresh(business, business.issueRefreshToken(FULL), business.tenantId)).status).toBe(200);

    const msaOnly = await start({ appAudience: 'PersonalMicrosoftAccount' });
    expectAadError(await form(msaOnly, 'common', 'devicecode', { client_id: msaOnly.clientId, scope: FULL }), 400, 'invalid_request', 9002331);
    const confidential = await start({ allowPublicClientFlows: false });
    expectAadError(await refresh(confidential, confidential.issueRefreshToken(FULL)), 401, 'invalid_client', 7000218);
    const orgOnly = await start({ driveType: 'business', appAudience: 'AzureADMultipleOrgs' });
    expectAadError(await form(orgOnly, 'consumers', 'devicecode', { client_id: orgOnly.clientId, scope: FULL }), 400, 'invalid_request', 9002332);
  });
});

describe('identity platform: refresh tokens', () => {
  it('rotates: every refresh answers a new refresh token; the old one works for the grace period, then invalid_grant', async () => {
    const c = clock();
    const emu = await start({ now: c.now, refreshGraceSeconds: 60 });
    const first = emu.issueRefreshToken(FULL);
    const a = await refresh(emu, first);
    const b = await refresh(emu, a.text('refresh_token'));
    expect(new Set([first, a.at('refresh_token'), b.at('refresh_token')]).size).toBe(3);
    c.advance(59_000);
    expect((await refresh(emu, first)).status).toBe(200);
    c.advance(2000);
    expectAadError(await refresh(emu, first), 400, 'invalid_grant', 70000);
    expect((await refresh(emu, b.text('refresh_token'))).status).toBe(200);
    expectAadError(await refresh(emu, 'M.C5-made-up'), 400, 'invalid_grant', 70000);
  });

  it('a removed consent answers AADSTS65001 consent_required; access tokens already issued work until they expire', async () => {
    const c = clock();
    const emu = await start({ now: c.now, accessTokenTtlSeconds: 3600 });
    const rt = emu.issueRefreshToken(FULL);
    const token = (await refresh(emu, rt)).text('access_token');
    emu.revokeConsent();
    const dead = await refresh(emu, rt);
    expectAadError(dead, 400, 'invalid_grant', 65001);
    expect(dead.at('suberror')).toBe('consent_required');
    expect((await graph(emu, token, 'GET', 'me')).status).toBe(200);
    c.advance(3600_000);
    expectGraphError(await graph(emu, token, 'GET', 'me'), 401, 'InvalidAuthenticationToken');
  });

  it('a password change answers AADSTS50173; 90 days without a refresh answer AADSTS700082', async () => {
    const c = clock();
    const emu = await start({ now: c.now });
    const changed = emu.issueRefreshToken(FULL);
    const idle = emu.issueRefreshToken(FULL);
    c.advance(91 * 24 * 3600_000);
    expectAadError(await refresh(emu, idle), 400, 'invalid_grant', 700082);
    emu.revokeSessions();
    expectAadError(await refresh(emu, changed), 400, 'invalid_grant', 50173);
  });

  it('a refresh may narrow the scopes but not widen them', async () => {
    const emu = await start();
    const rt = emu.issueRefreshToken('Files.ReadWrite.AppFolder offline_access');
    const narrowed = await form(emu, 'common', 'token', { grant_type: 'refresh_token', client_id: emu.clientId, refresh_token: rt, scope: 'https://graph.microsoft.com/Files.ReadWrite.AppFolder offline_access' });
    expect(narrowed.status).toBe(200);
    const widened = await form(emu, 'common', 'token', { grant_type: 'refresh_token', client_id: emu.clientId, refresh_token: narrowed.text('refresh_token'), scope: 'Files.ReadWrite offline_access' });
    expectAadError(widened, 400, 'invalid_grant', 65001);
  });
});

describe('Graph: authentication and scopes', () => {
  it('answers 401 InvalidAuthenticationToken for a missing, unknown or expired token, with WWW-Authenticate and request ids', async () => {
    const c = clock();
    const emu = await start({ now: c.now, accessTokenTtlSeconds: 60 });
    const none = await graph(emu, null, 'GET', 'me/drive/root', { headers: { 'client-request-id': 'abc-123' } });
    expectGraphError(none, 401, 'InvalidAuthenticationToken');
    expect(none.at('error', 'message')).toBe('Access token is empty.');
    expect(none.at('error', 'innerError', 'client-request-id')).toBe('abc-123');
    expect(none.headers.get('client-request-id')).toBe('abc-123');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm=""/);
    expect((await graph(emu, 'EwBgarbage', 'GET', 'me/drive/root')).at('error', 'message')).toMatch(/CompactToken parsing failed/);
    const token = await accessToken(emu, FULL);
    expect((await graph(emu, token, 'GET', 'me/drive/root')).status).toBe(200);
    c.advance(60_000);
    expect((await graph(emu, token, 'GET', 'me/drive/root')).at('error', 'message')).toBe('Access token has expired or is not yet valid.');
  });

  it('Files.ReadWrite.AppFolder reaches only Apps/<app name>, which the first GET of special/approot makes', async () => {
    const emu = await start();
    const token = await accessToken(emu, 'Files.ReadWrite.AppFolder offline_access');
    expectGraphError(await graph(emu, token, 'GET', 'me/drive/root'), 403, 'accessDenied');
    expectGraphError(await graph(emu, token, 'PUT', 'me/drive/special/approot:/a.pdf:/content', { body: pdf('a') }), 404, 'itemNotFound');
    const approot = await graph(emu, token, 'GET', 'me/drive/special/approot');
    expect(approot.status).toBe(200);
    expect(approot.body).toMatchObject({ name: 'BaseLinker Backup', specialFolder: { name: 'approot' }, folder: { childCount: 0 }, parentReference: { path: '/drive/root:/Apps' } });
    expect(emu.tree()).toEqual(['Apps/', 'Apps/BaseLinker Backup/']);
    expect((await graph(emu, token, 'PUT', 'me/drive/special/approot:/a.pdf:/content', { body: pdf('a') })).status).toBe(201);
    emu.seed({ path: 'Private/diary.txt', content: 'secret' });
    const diary = emu.files.find((f) => f.path === 'Private/diary.txt')!;
    expectGraphError(await graph(emu, token, 'GET', `me/drive/items/${diary.id}`), 403, 'accessDenied');
    expectGraphError(await graph(emu, token, 'GET', 'me'), 403, 'Authorization_RequestDenied');
  });

  it('on a business drive Files.ReadWrite.AppFolder reaches nothing; Files.Read cannot write; User.Read is needed for /me', async () => {
    const business = await start({ driveType: 'business' });
    const appFolder = await accessToken(business, 'Files.ReadWrite.AppFolder User.Read offline_access');
    expectGraphError(await graph(business, appFolder, 'GET', 'me/drive/special/approot'), 403, 'accessDenied');
    const me = await graph(business, appFolder, 'GET', 'me');
    expect(me.body).toMatchObject({ userPrincipalName: 'owner@contoso.onmicrosoft.com', displayName: 'Backup Owner', id: business.user.id });
    const readOnly = await accessToken(business, 'Files.Read offline_access');
    expect((await graph(business, readOnly, 'GET', 'me/drive/root/children')).status).toBe(200);
    expectGraphError(await graph(business, readOnly, 'POST', 'me/drive/root/children', { json: { name: 'x', folder: {} } }), 403, 'accessDenied');
  });
});

describe('Graph: items', () => {
  it('renders items as Graph does: facets, hashes by drive type, parentReference, tags that change, a working download URL', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    const body = pdf('one');
    const put = await graph(emu, token, 'PUT', 'me/drive/root:/BaseLinker%20Backup/2026/FV%201.pdf:/content', { body });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      name: 'FV 1.pdf',
      size: body.length,
      file: { mimeType: 'application/pdf', hashes: { quickXorHash: quickXorHash(body), sha256Hash: expect.stringMatching(/^[0-9A-F]{64}$/) } },
      parentReference: { driveType: 'personal', driveId: emu.driveId, path: '/drive/root:/BaseLinker Backup/2026' },
    });
    expect(put.at('id')).toMatch(/^[0-9A-F]{16}!\d+$/);
    expect(put.at('eTag')).toMatch(/^"\{[0-9A-F-]{36}\},1"$/);
    const got = await graph(emu, token, 'GET', `me/drive/items/${put.text('id')}`);
    const bytes = Buffer.from(await (await fetch(got.text('@microsoft.graph.downloadUrl'))).arrayBuffer());
    expect(bytes.equals(body)).toBe(true);
    // Names are matched without regard to case.
    expect((await graph(emu, token, 'GET', 'me/drive/root:/baselinker%20backup/2026/fv%201.PDF:')).at('id')).toBe(put.at('id'));
    expect((await graph(emu, token, 'GET', `me/drive/items/${put.text('parentReference', 'id')}:/FV%201.pdf`)).at('id')).toBe(put.at('id'));
    expectGraphError(await graph(emu, token, 'GET', 'me/drive/root:/nothing.pdf:'), 404, 'itemNotFound');
    const redirect = await graph(emu, token, 'GET', `me/drive/items/${put.text('id')}/content`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/download\//);

    const business = await start({ driveType: 'business' });
    const bt = await accessToken(business, FULL);
    const bput = await graph(business, bt, 'PUT', 'me/drive/root:/a.pdf:/content', { body });
    expect(bput.at('file', 'hashes')).toEqual({ quickXorHash: quickXorHash(body) });
    expect(bput.at('id')).toMatch(/^01[A-Z2-7]{32}$/);
    expect(bput.at('parentReference', 'path')).toBe(`/drives/${business.driveId}/root:`);
  });

  it('GET /me/drive reports the quota; a write over it is a 507 quotaLimitReached', async () => {
    const emu = await start({ storageQuotaBytes: 100 });
    const token = await accessToken(emu, FULL);
    expect((await graph(emu, token, 'PUT', 'me/drive/root:/a.bin:/content', { body: Buffer.alloc(60) })).status).toBe(201);
    const drive = await graph(emu, token, 'GET', 'me/drive');
    expect(drive.body).toMatchObject({ id: emu.driveId, driveType: 'personal', quota: { total: 100, used: 60, remaining: 40 } });
    expectGraphError(await graph(emu, token, 'PUT', 'me/drive/root:/b.bin:/content', { body: Buffer.alloc(41) }), 507, 'quotaLimitReached');
    expect(emu.tree()).toEqual(['a.bin']);
  });
});

describe('Graph: folders', () => {
  it('POST children creates a folder; a taken name (any case) is 409 nameAlreadyExists by default', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    const made = await graph(emu, token, 'POST', 'me/drive/root/children', { json: { name: 'Invoices', folder: {}, '@microsoft.graph.conflictBehavior': 'fail' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Invoices', folder: { childCount: 0 } });
    expectGraphError(await graph(emu, token, 'POST', 'me/drive/root/children', { json: { name: 'INVOICES', folder: {} } }), 409, 'nameAlreadyExists');
    expectGraphError(await graph(emu, token, 'POST', 'me/drive/root/children', { json: { name: 'x' } }), 400, 'invalidRequest');
    expectGraphError(await graph(emu, token, 'POST', 'me/drive/root:/missing:/children', { json: { name: 'x', folder: {} } }), 404, 'itemNotFound');
    expect(emu.violations).toEqual([]);
  });

  it('replace and rename are honoured, and recorded as violations', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    emu.seed({ path: 'Invoices/old.pdf', content: 'old' });
    const renamed = await graph(emu, token, 'POST', 'me/drive/root/children', { json: { name: 'Invoices', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' } });
    expect(renamed.at('name')).toBe('Invoices 1');
    const replaced = await graph(emu, token, 'POST', 'me/drive/root/children', { json: { name: 'Invoices', folder: {}, '@microsoft.graph.conflictBehavior': 'replace' } });
    expect(replaced.status).toBe(201);
    expect(emu.tree()).toEqual(['Invoices 1/', 'Invoices/']);
    expect(emu.violations.map((v) => [v.kind, v.itemPath])).toEqual([
      ['conflictRename', 'Invoices 1'],
      ['replace', 'Invoices'],
    ]);
  });
});

describe('Graph: what the backup must never do', () => {
  it('DELETE and PATCH work as on Graph, and are recorded as violations', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    const a = emu.seed({ path: 'Invoices/a.pdf', content: 'a' });
    const b = emu.seed({ path: 'Invoices/b.pdf', content: 'b' });
    const moved = emu.seed({ path: 'Elsewhere' });
    expect((await graph(emu, token, 'PATCH', `me/drive/items/${a.id}`, { json: { name: 'renamed.pdf' } })).status).toBe(200);
    expect((await graph(emu, token, 'PATCH', `me/drive/items/${b.id}`, { json: { parentReference: { id: moved.id } } })).status).toBe(200);
    expect((await graph(emu, token, 'DELETE', 'me/drive/root:/Invoices:')).status).toBe(204);
    expect(emu.tree()).toEqual(['Elsewhere/', 'Elsewhere/b.pdf']);
    expect(emu.violations.map((v) => [v.kind, v.method, v.itemPath])).toEqual([
      ['update', 'PATCH', 'Invoices/a.pdf'],
      ['update', 'PATCH', 'Invoices/b.pdf'],
      ['delete', 'DELETE', 'Invoices'],
    ]);
  });
});

describe('Graph: simple upload', () => {
  it('makes missing folders on the way; replaces by default (a violation); honours ?conflictBehavior=fail', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    expect((await graph(emu, token, 'PUT', 'me/drive/root:/a/b/c.pdf:/content', { body: pdf('1') })).status).toBe(201);
    expect(emu.tree()).toEqual(['a/', 'a/b/', 'a/b/c.pdf']);
    const failed = await graph(emu, token, 'PUT', 'me/drive/root:/a/b/C.PDF:/content?@microsoft.graph.conflictBehavior=fail', { body: pdf('2') });
    expectGraphError(failed, 409, 'nameAlreadyExists');
    expect(emu.files.find((f) => f.name === 'c.pdf')!.content.toString()).toBe('%PDF-1.7 1');
    expect(emu.violations).toEqual([]);
    const replaced = await graph(emu, token, 'PUT', 'me/drive/root:/a/b/c.pdf:/content', { body: pdf('3') });
    expect(replaced.status).toBe(200);
    expect(emu.files.find((f) => f.name === 'c.pdf')!.content.toString()).toBe('%PDF-1.7 3');
    const folderId = emu.files.find((f) => f.path === 'a/b')!.id;
    const renamed = await graph(emu, token, 'PUT', `me/drive/items/${folderId}:/c.pdf:/content?%40microsoft.graph.conflictBehavior=rename`, { body: pdf('4') });
    expect(renamed.at('name')).toBe('c 1.pdf');
    const byId = await graph(emu, token, 'PUT', `me/drive/items/${replaced.text('id')}/content`, { body: pdf('5') });
    expect(byId.status).toBe(200);
    expect(emu.violations.map((v) => [v.kind, v.method, v.itemPath])).toEqual([
      ['replace', 'PUT', 'a/b/c.pdf'],
      ['conflictRename', 'PUT', 'a/b/c 1.pdf'],
      ['replace', 'PUT', 'a/b/c.pdf'],
    ]);
  });

  it('with simplePutIgnoresConflictBehavior a PUT replaces even with fail, as reported', async () => {
    const emu = await start({ simplePutIgnoresConflictBehavior: true });
    const token = await accessToken(emu, FULL);
    await graph(emu, token, 'PUT', 'me/drive/root:/c.pdf:/content', { body: pdf('1') });
    const again = await graph(emu, token, 'PUT', 'me/drive/root:/c.pdf:/content?@microsoft.graph.conflictBehavior=fail', { body: pdf('2') });
    expect(again.status).toBe(200);
    expect(emu.violations.map((v) => v.kind)).toEqual(['replace']);
  });

  it('refuses a body over the size limit with 413', async () => {
    const emu = await start({ simplePutMaxBytes: 1000 });
    const token = await accessToken(emu, FULL);
    expect((await graph(emu, token, 'PUT', 'me/drive/root:/big.bin:/content', { body: Buffer.alloc(1001) })).status).toBe(413);
    expect(emu.tree()).toEqual([]);
  });
});

describe('Graph: names and paths', () => {
  it.each([
    ['a"b.pdf'],
    ['a*b.pdf'],
    ['a%3Ab.pdf'],
    ['a%3Cb.pdf'],
    ['a%3Eb.pdf'],
    ['a%3Fb.pdf'],
    ['a%5Cb.pdf'],
    ['a%7Cb.pdf'],
    ['a%2Fb.pdf'],
    ['%20lead.pdf'],
    ['trail.pdf%20'],
    ['dot.'],
    ['CON'],
    ['lpt1'],
    ['.lock'],
    ['Desktop.ini'],
    ['~%24report.pdf'],
    ['x_vti_y.pdf'],
  ])('refuses %s with 400 invalidRequest / nameContainsInvalidCharacters', async (encoded) => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    expectGraphError(await graph(emu, token, 'PUT', `me/drive/root:/${encoded}:/content`, { body: pdf('x') }), 400, 'invalidRequest', 'nameContainsInvalidCharacters');
    expect(emu.tree()).toEqual([]);
  });

  it('business drives also refuse #, % and a leading ~; personal drives take them', async () => {
    const personal = await start();
    const pt = await accessToken(personal, FULL);
    for (const n of ['a%23b.pdf', 'a%25b.pdf', '~a.pdf']) expect((await graph(personal, pt, 'PUT', `me/drive/root:/${n}:/content`, { body: pdf('x') })).status).toBe(201);
    expect(personal.tree()).toEqual(['a#b.pdf', 'a%b.pdf', '~a.pdf']);
    const business = await start({ driveType: 'business' });
    const bt = await accessToken(business, FULL);
    for (const n of ['a%23b.pdf', 'a%25b.pdf', '~a.pdf']) {
      expectGraphError(await graph(business, bt, 'PUT', `me/drive/root:/${n}:/content`, { body: pdf('x') }), 400, 'invalidRequest', 'nameContainsInvalidCharacters');
    }
  });

  it('refuses a path longer than 400 characters with pathIsTooLong, and makes none of its folders', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    // Three folders of 99 characters and their slashes: 300 characters before the file name.
    const dirs = ['a', 'b', 'c'].map((c) => c.repeat(99)).join('/');
    const name = (length: number) => `${'x'.repeat(length - 4)}.pdf`;
    expect((await graph(emu, token, 'PUT', `me/drive/root:/${dirs}/${name(100)}:/content`, { body: pdf('x') })).status).toBe(201);
    expectGraphError(await graph(emu, token, 'PUT', `me/drive/root:/${dirs}/${name(101)}:/content`, { body: pdf('x') }), 400, 'invalidRequest', 'pathIsTooLong');
    expectGraphError(await graph(emu, token, 'PUT', `me/drive/root:/${dirs}/${'d'.repeat(100)}/a.pdf:/content`, { body: pdf('x') }), 400, 'invalidRequest', 'pathIsTooLong');
    expectGraphError(await graph(emu, token, 'POST', `me/drive/root:/${dirs}:/children`, { json: { name: 'f'.repeat(101), folder: {} } }), 400, 'invalidRequest', 'pathIsTooLong');
    expect(emu.tree()).toHaveLength(4);
  });
});

describe('Graph: children', () => {
  it('pages with $top and an absolute @odata.nextLink, in name order; $select cuts the fields', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    for (const n of ['c', 'A', 'e', 'b', 'D']) emu.seed({ path: `Invoices/${n}.pdf`, content: n });
    const names: string[] = [];
    let next: string | undefined = 'me/drive/root:/Invoices:/children?$top=2&$select=id,name,size,file,folder';
    let pages = 0;
    while (next) {
      const page = await graph(emu, token, 'GET', next);
      expect(page.status).toBe(200);
      expect(page.list('value').length).toBeLessThanOrEqual(2);
      for (const v of page.list('value')) expect(Object.keys(v).sort()).toEqual(['file', 'id', 'name', 'size']);
      names.push(...page.list('value').map((v) => String(v['name'])));
      next = page.at('@odata.nextLink') as string | undefined;
      if (next) expect(next).toMatch(new RegExp(`^${emu.graphUrl.replace(/\./g, '\\.')}me/drive/items/`));
      pages++;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(['A.pdf', 'b.pdf', 'c.pdf', 'D.pdf', 'e.pdf']);
    const full = await graph(emu, token, 'GET', 'me/drive/root:/Invoices:/children');
    expect(full.list('value')[0]!['@microsoft.graph.downloadUrl']).toMatch(/\/download\//);
    expectGraphError(await graph(emu, token, 'GET', 'me/drive/root/children?$top=0'), 400, 'invalidRequest');
    expectGraphError(await graph(emu, token, 'GET', 'me/drive/root/children?$select=nope'), 400, 'invalidRequest');
    expectGraphError(await graph(emu, token, 'GET', 'me/drive/root/children?$skiptoken=%%%'), 400, 'invalidRequest');
  });

  it('gives short pages when told to (an option, or the shortPage fault), whatever $top says', async () => {
    const emu = await start({ maxPageSize: 2 });
    const token = await accessToken(emu, FULL);
    for (const n of ['a', 'b', 'c']) emu.seed({ path: `F/${n}`, content: n });
    const first = await graph(emu, token, 'GET', 'me/drive/root:/F:/children?$top=100');
    expect(first.list('value').map((v) => v['name'])).toEqual(['a', 'b']);
    emu.injectFault({ kind: 'shortPage', size: 1 });
    const second = await graph(emu, token, 'GET', first.text('@odata.nextLink'));
    expect(second.list('value').map((v) => v['name'])).toEqual(['c']);
    expect(second.at('@odata.nextLink')).toBeUndefined();
  });
});

describe('Graph: upload sessions', () => {
  async function session(emu: OneDriveEmulator, token: string, path: string, item: Record<string, unknown> = { '@microsoft.graph.conflictBehavior': 'fail' }) {
    return graph(emu, token, 'POST', `me/drive/root:/${path}:/createUploadSession`, { json: { item } });
  }
  const fragment = (url: string, bytes: Buffer, start: number, total: number, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'PUT', body: bytes, headers: { 'content-range': `bytes ${start}-${start + bytes.length - 1}/${total}`, ...headers } }).then(answer);

  it('uploads in 320 KiB fragments: 202 with nextExpectedRanges, then 201 with the item; the URL is dead afterwards', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    emu.seed({ path: 'Orders' });
    const content = randomBytes(2 * FRAGMENT_UNIT + 1000);
    const s = await session(emu, token, 'Orders/orders.csv', { '@microsoft.graph.conflictBehavior': 'fail', name: 'orders.csv', fileSize: content.length });
    expect(s.status).toBe(200);
    expect(s.at('uploadUrl')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/up\//);
    expect(s.body).toMatchObject({ nextExpectedRanges: ['0-'], expirationDateTime: expect.any(String) });
    const url = s.text('uploadUrl');
    const first = await fragment(url, content.subarray(0, FRAGMENT_UNIT), 0, content.length);
    expect(first.status).toBe(202);
    expect(first.at('nextExpectedRanges')).toEqual([`${FRAGMENT_UNIT}-`]);
    expect((await answer(await fetch(url))).at('nextExpectedRanges')).toEqual([`${FRAGMENT_UNIT}-`]);
    expect((await fragment(url, content.subarray(FRAGMENT_UNIT, 2 * FRAGMENT_UNIT), FRAGMENT_UNIT, content.length)).status).toBe(202);
    const last = await fragment(url, content.subarray(2 * FRAGMENT_UNIT), 2 * FRAGMENT_UNIT, content.length);
    expect(last.status).toBe(201);
    expect(last.body).toMatchObject({ name: 'orders.csv', size: content.length, file: { hashes: { quickXorHash: quickXorHash(content) } } });
    expect(emu.files.find((f) => f.path === 'Orders/orders.csv')!.content.equals(content)).toBe(true);
    expectGraphError(await answer(await fetch(url)), 404, 'itemNotFound', 'uploadSessionNotFound');
    // The session URL is a credential: it is never recorded, and it needed no Authorization.
    expect(JSON.stringify(emu.requests)).not.toContain(url.split('/up/')[1]);
    expect(emu.requests.filter((r) => r.path === '/up/[redacted]').every((r) => !r.authorization)).toBe(true);
  });

  it('refuses a fragment that is not a multiple of 320 KiB (400), that overlaps (416) or leaves a gap (416)', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    const content = randomBytes(3 * FRAGMENT_UNIT);
    const url = (await session(emu, token, 'big.bin')).text('uploadUrl');
    expectGraphError(await fragment(url, content.subarray(0, 1000), 0, content.length), 400, 'invalidRequest');
    expect((await fragment(url, content.subarray(0, FRAGMENT_UNIT), 0, content.length)).status).toBe(202);
    expectGraphError(await fragment(url, content.subarray(0, FRAGMENT_UNIT), 0, content.length), 416, 'invalidRange', 'fragmentOverlap');
    expectGraphError(await fragment(url, content.subarray(2 * FRAGMENT_UNIT), 2 * FRAGMENT_UNIT, content.length), 416, 'invalidRange', 'fragmentOutOfOrder');
    expectGraphError(await fragment(url, content.subarray(FRAGMENT_UNIT, 2 * FRAGMENT_UNIT), FRAGMENT_UNIT, content.length + 1), 400, 'invalidRequest', 'fragmentLengthMismatch');
    expect((await answer(await fetch(url))).at('nextExpectedRanges')).toEqual([`${FRAGMENT_UNIT}-`]);
  });

  it('without an explicit conflictBehavior a session replaces (a violation); with fail a taken name is 409 at once', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    emu.seed({ path: 'a.bin', content: 'old' });
    expectGraphError(await session(emu, token, 'A.BIN'), 409, 'nameAlreadyExists');
    const url = (await session(emu, token, 'a.bin', {})).text('uploadUrl');
    expect((await fragment(url, Buffer.from('new'), 0, 3)).status).toBe(200);
    expect(emu.violations.map((v) => [v.kind, v.itemPath])).toEqual([['replace', 'a.bin']]);
  });

  it('with lateConflictCheck the 409 comes at the last fragment, which is not kept; the session stays open', async () => {
    const emu = await start({ lateConflictCheck: true });
    const token = await accessToken(emu, FULL);
    const content = randomBytes(FRAGMENT_UNIT + 10);
    const url = (await session(emu, token, 'late.bin')).text('uploadUrl');
    await fragment(url, content.subarray(0, FRAGMENT_UNIT), 0, content.length);
    emu.seed({ path: 'late.bin', content: 'someone else' });
    expectGraphError(await fragment(url, content.subarray(FRAGMENT_UNIT), FRAGMENT_UNIT, content.length), 409, 'nameAlreadyExists');
    expect((await answer(await fetch(url))).at('nextExpectedRanges')).toEqual([`${FRAGMENT_UNIT}-`]);
    expect(emu.files.find((f) => f.name === 'late.bin')!.content.toString()).toBe('someone else');
    expect(emu.violations).toEqual([]);
  });

  it('on business drives an open session holds its name; the parent must exist; expired and cancelled sessions are 404', async () => {
    const c = clock();
    const emu = await start({ driveType: 'business', now: c.now, sessionTtlMs: 60_000 });
    const token = await accessToken(emu, FULL);
    expect((await session(emu, token, 'held.bin')).status).toBe(200);
    expectGraphError(await session(emu, token, 'HELD.bin'), 409, 'nameAlreadyExists');
    expectGraphError(await session(emu, token, 'no/such/folder.bin'), 404, 'itemNotFound');
    c.advance(60_000);
    expect(emu.uploadSessions().map((s) => s.state)).toEqual(['expired']);
    expect((await session(emu, token, 'held.bin')).status).toBe(200);
    const url = (await session(emu, token, 'cancelled.bin')).text('uploadUrl');
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(url)).status).toBe(404);
    expect(emu.violations.map((v) => [v.kind, v.itemPath])).toEqual([['cancelUpload', 'cancelled.bin']]);
  });

  it('checks the body: name must match the path, fileSize must fit the quota; deferCommit is not modelled', async () => {
    const emu = await start({ storageQuotaBytes: 1000 });
    const token = await accessToken(emu, FULL);
    expectGraphError(await session(emu, token, 'a.bin', { '@microsoft.graph.conflictBehavior': 'fail', name: 'b.bin' }), 400, 'invalidRequest');
    expectGraphError(await session(emu, token, 'a.bin', { '@microsoft.graph.conflictBehavior': 'fail', fileSize: 1001 }), 507, 'quotaLimitReached');
    expectGraphError(await graph(emu, token, 'POST', 'me/drive/root:/a.bin:/createUploadSession', { json: { deferCommit: true } }), 400, 'invalidRequest');
  });

  it('can refuse an upload URL request that carries Authorization', async () => {
    const emu = await start({ rejectAuthorizationOnUploadUrl: true });
    const token = await accessToken(emu, FULL);
    const url = (await session(emu, token, 'a.bin')).text('uploadUrl');
    expect((await fragment(url, Buffer.from('abc'), 0, 3, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await fragment(url, Buffer.from('abc'), 0, 3)).status).toBe(201);
  });
});

describe('throttling and faults', () => {
  it('answers 429 with Retry-After over the limit, and requests made while throttled still count', async () => {
    const c = clock();
    const emu = await start({ now: c.now, throttle: { limit: 3, windowMs: 10_000 } });
    const token = await accessToken(emu, FULL);
    for (let i = 0; i < 3; i++) {
      expect((await graph(emu, token, 'GET', 'me/drive/root')).status).toBe(200);
      c.advance(1000);
    }
    const over = await graph(emu, token, 'GET', 'me/drive/root');
    expectGraphError(over, 429, 'activityLimitReached', 'throttledRequest');
    expect(over.headers.get('retry-after')).toBe('8');
    // Asking again at once: the throttled request counted, so the wait has grown.
    const hammered = await graph(emu, token, 'GET', 'me/drive/root');
    expect(hammered.status).toBe(429);
    expect(hammered.headers.get('retry-after')).toBe('9');
    c.advance(8999);
    expect((await graph(emu, token, 'GET', 'me/drive/root')).status).toBe(429);
    c.advance(10_000);
    expect((await graph(emu, token, 'GET', 'me/drive/root')).status).toBe(200);
  });

  it('injects 5xx, 429/503 with Retry-After (seconds or a date) and 507, matching by method and path, never the identity endpoints', async () => {
    const c = clock();
    const emu = await start({ now: c.now });
    emu.injectFault({ kind: 'throttled', status: 503, retryAfterSeconds: 7, match: { method: 'GET', path: /children$/ } });
    emu.injectFault({ kind: 'throttled', retryAfterSeconds: 30, retryAfterAsDate: true, match: { method: 'PUT' } });
    emu.injectFault({ kind: 'serverError', status: 502, match: { method: 'GET', path: '/v1.0/me/drive/root' } });
    const token = await accessToken(emu, FULL);
    const unavailable = await graph(emu, token, 'GET', 'me/drive/root/children');
    expectGraphError(unavailable, 503, 'serviceNotAvailable');
    expect(unavailable.headers.get('retry-after')).toBe('7');
    const throttledPut = await graph(emu, token, 'PUT', 'me/drive/root:/a.pdf:/content', { body: pdf('x') });
    expect(throttledPut.status).toBe(429);
    expect(Date.parse(throttledPut.headers.get('retry-after')!)).toBe(c.t + 30_000);
    expectGraphError(await graph(emu, token, 'GET', 'me/drive/root'), 502, 'generalException');
    expect(emu.tree()).toEqual([]);
    emu.injectFault({ kind: 'insufficientStorage' });
    expectGraphError(await graph(emu, token, 'GET', 'me/drive/root'), 507, 'quotaLimitReached');
    expect(emu.requests.map((r) => r.fault).filter(Boolean)).toEqual(['throttled', 'throttled', 'serverError', 'insufficientStorage']);
  });

  it('a reset mid-fragment keeps none of it; a dropped response leaves the write done and the client in the dark', async () => {
    const emu = await start();
    const token = await accessToken(emu, FULL);
    const content = randomBytes(2 * FRAGMENT_UNIT);
    const url = (await graph(emu, token, 'POST', 'me/drive/root:/r.bin:/createUploadSession', { json: { item: { '@microsoft.graph.conflictBehavior': 'fail' } } })).text('uploadUrl');
    emu.injectFault({ kind: 'resetMidUpload', afterBytes: 100_000, match: { method: 'PUT', path: /^\/up\// } });
    await expect(fetch(url, { method: 'PUT', body: content.subarray(0, FRAGMENT_UNIT), headers: { 'content-range': `bytes 0-${FRAGMENT_UNIT - 1}/${content.length}` } })).rejects.toThrow();
    expect((await answer(await fetch(url))).at('nextExpectedRanges')).toEqual(['0-']);

    emu.injectFault({ kind: 'dropResponse', match: { method: 'PUT' } });
    await expect(fetch(`${emu.graphUrl}me/drive/root:/d.pdf:/content`, { method: 'PUT', body: pdf('d'), headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
    expect(emu.tree()).toEqual(['d.pdf']);
    expect(emu.requests.filter((r) => r.fault).map((r) => [r.fault, r.status])).toEqual([
      ['resetMidUpload', 0],
      ['dropResponse', 0],
    ]);
  });

  it('records requests without secrets: no token, code or refresh token appears', async () => {
    const emu = await start();
    const rt = emu.issueRefreshToken(FULL);
    const r = await refresh(emu, rt);
    await graph(emu, r.text('access_token'), 'GET', 'me/drive/root');
    const recorded = JSON.stringify(emu.requests);
    for (const secret of [rt, r.text('access_token'), r.text('refresh_token')]) expect(recorded).not.toContain(secret);
    expect(emu.requests.map((q) => [q.method, q.path, q.status])).toEqual([
      ['POST', '/common/oauth2/v2.0/token', 200],
      ['GET', '/v1.0/me/drive/root', 200],
    ]);
  });
});
