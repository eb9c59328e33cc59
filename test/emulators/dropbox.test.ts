// Tests of the Dropbox emulator itself, over real HTTP with plain fetch, asserting the wire format Dropbox's spec
// (dropbox-api-spec files.stone, auth.stone) and HTTP docs describe: hosts, Dropbox-API-Arg, Stone's tagged unions,
// error_summary, statuses, add-only commits, sessions and batches, cursors, tokens, limits and faults, and the record
// of destructive calls.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startDropboxEmulator, type DropboxEmulator, type DropboxEmulatorOptions } from '../../tools/emulators/dropbox/server.js';

// Answers are checked field by field; their shapes are what is under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

const running: DropboxEmulator[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

async function start(o: DropboxEmulatorOptions = {}): Promise<DropboxEmulator> {
  const emu = await startDropboxEmulator(o);
  running.push(emu);
  return emu;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const headerSafe = (v: unknown) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

async function accessToken(emu: DropboxEmulator, refreshToken = emu.issueRefreshToken()): Promise<string> {
  const res = await fetch(`${emu.apiUrl}oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: emu.appKey }),
  });
  const a = await answer(res);
  expect(a.status).toBe(200);
  return a.json.access_token as string;
}

function rpc(emu: DropboxEmulator, token: string, route: string, arg?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const init: RequestInit = { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers } };
  if (arg !== undefined) {
    init.headers = { 'content-type': 'application/json', ...init.headers };
    init.body = JSON.stringify(arg);
  }
  return fetch(`${emu.apiUrl}2/${route}`, init).then(answer);
}

function content(emu: DropboxEmulator, token: string, route: string, arg: unknown, body: Buffer | string = Buffer.alloc(0), headers: Record<string, string> = {}): Promise<Answer> {
  return fetch(`${emu.contentUrl}2/${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'dropbox-api-arg': headerSafe(arg), ...headers },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  }).then(answer);
}

async function connect(o: DropboxEmulatorOptions = {}) {
  const emu = await start(o);
  const token = await accessToken(emu);
  const put = (path: string, bytes: Buffer | string, extra: Record<string, unknown> = {}) => content(emu, token, 'files/upload', { path, ...extra }, bytes);
  return { emu, token, put };
}

/** Dropbox's content hash, computed here independently of both emulator and product. */
function dropboxHash(bytes: Buffer): string {
  const blocks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4 * 1024 * 1024) blocks.push(createHash('sha256').update(bytes.subarray(i, i + 4 * 1024 * 1024)).digest());
  return createHash('sha256').update(Buffer.concat(blocks)).digest('hex');
}

const filesOnly = (emu: DropboxEmulator) => emu.tree().filter((p) => !p.endsWith('/'));

describe('wire format', () => {
  it('RPC: JSON in and out ("application/json" exactly); a Void argument is no body or null; other bodies are 400 text', async () => {
    const { emu, token } = await connect();
    const bare = await rpc(emu, token, 'users/get_current_account');
    expect(bare.status).toBe(200);
    expect(bare.headers.get('content-type')).toBe('application/json');
    expect(bare.headers.get('x-dropbox-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(bare.json).toMatchObject({ email: 'owner@example.com', name: { display_name: 'Backup Owner' }, account_type: { '.tag': 'basic' } });
    expect(bare.json.account_id).toMatch(/^dbid:/);
    expect((await rpc(emu, token, 'users/get_current_account', null)).status).toBe(200);

    const empty = await rpc(emu, token, 'users/get_current_account', undefined, { 'content-type': 'application/json' });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(empty.text).toBe('Error in call to API function "users/get_current_account": request body: could not decode input as JSON');
    const form = await fetch(`${emu.apiUrl}2/files/list_folder`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'path=',
    }).then(answer);
    expect(form.text).toMatch(/^Error in call to API function "files\/list_folder": Bad HTTP "Content-Type" header: "application\/x-www-form-urlencoded"\.  Expecting one of "application\/json"/);
  });

  it('routes live on their own host; an unknown route is 404; no Authorization is 400', async () => {
    const { emu, token } = await connect();
    const uploadOnApi = await fetch(`${emu.apiUrl}2/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'dropbox-api-arg': '{"path":"/a.txt"}', 'content-type': 'application/octet-stream' }, body: 'x' }).then(answer);
    expect(uploadOnApi.status).toBe(400);
    expect(uploadOnApi.text).toMatch(/served by content\.dropboxapi\.com/);
    const batchOnContent = await fetch(`${emu.contentUrl}2/files/upload_session/finish_batch_v2`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"entries":[]}' }).then(answer);
    expect(batchOnContent.status).toBe(400);
    expect(batchOnContent.text).toMatch(/served by api\.dropboxapi\.com/);
    expect((await rpc(emu, token, 'files/frobnicate', {})).status).toBe(404);
    const anonymous = await fetch(`${emu.apiUrl}2/files/list_folder`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":""}' }).then(answer);
    expect(anonymous.status).toBe(400);
    expect(anonymous.text).toMatch(/Must provide HTTP header "Authorization"/);
    expect(filesOnly(emu)).toEqual([]);
  });

  it('Dropbox-API-Arg must be ASCII: raw UTF-8 is 400; \\u escapes and the arg URL parameter carry Polish names', async () => {
    const { emu, token } = await connect();
    const raw = JSON.stringify({ path: '/Faktury/Łódź żółć.pdf' });
    const unescaped = await content(emu, token, 'files/upload', null, 'x', { 'dropbox-api-arg': Buffer.from(raw, 'utf8').toString('latin1') });
    expect(unescaped.status).toBe(400);
    expect(unescaped.text).toBe('Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": could not decode input as JSON');
    expect(filesOnly(emu)).toEqual([]);

    const escaped = await content(emu, token, 'files/upload', { path: '/Faktury/Łódź żółć.pdf' }, 'pdf');
    expect(escaped.status).toBe(200);
    expect(escaped.json).toMatchObject({ name: 'Łódź żółć.pdf', path_display: '/Faktury/Łódź żółć.pdf', path_lower: '/faktury/łódź żółć.pdf' });
    const viaQuery = await fetch(`${emu.contentUrl}2/files/upload?arg=${encodeURIComponent(JSON.stringify({ path: '/Faktury/Gdańsk.pdf' }))}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: 'q',
    }).then(answer);
    expect(viaQuery.json.name).toBe('Gdańsk.pdf');
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/Faktury/Gdańsk.pdf', 'Apps/BaseLinker Backup/Faktury/Łódź żółć.pdf']);

    // A download's result comes back header-safe too.
    const got = await fetch(`${emu.contentUrl}2/files/download`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'dropbox-api-arg': headerSafe({ path: '/faktury/ŁÓDŹ ŻÓŁĆ.PDF' }) } });
    const result = got.headers.get('dropbox-api-result')!;
    expect(result).toContain('\\u0141\\u00f3d\\u017a');
    expect(JSON.parse(result)).toMatchObject({ name: 'Łódź żółć.pdf', size: 3 });
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await got.arrayBuffer()).toString()).toBe('pdf');
  });

  it('checks arguments strictly: unknown fields, patterns, void shorthands, nulls', async () => {
    const { emu, token } = await connect();
    const cases: [unknown, RegExp][] = [
      [{ path: '/a.txt', autoRename: true }, /unknown field 'autoRename'/],
      [{ path: 'a.txt' }, /path: 'a.txt' did not match pattern/],
      [{ path: '/a.txt', mode: 'update' }, /mode: tag 'update' needs a value/],
      [{ path: '/a.txt', mode: 'replace' }, /mode: unknown tag 'replace'/],
      [{ path: '/a.txt', autorename: null }, /autorename: null is not allowed/],
      [{ path: '/a.txt', client_modified: '2026-11-21T02:00:00.000Z' }, /client_modified: .* did not match pattern/],
      [{ mode: 'add' }, /missing required field 'path'/],
    ];
    for (const [arg, message] of cases) {
      const a = await content(emu, token, 'files/upload', arg, 'x');
      expect(a.status, JSON.stringify(arg)).toBe(400);
      expect(a.text).toMatch(/^Error in call to API function "files\/upload": HTTP header "Dropbox-API-Arg": /);
      expect(a.text).toMatch(message);
    }
    expect((await rpc(emu, token, 'files/list_folder', { path: '/' })).text).toMatch(/Specify the root folder as an empty string rather than as "\/"/);
    expect((await rpc(emu, token, 'files/get_metadata', { path: '/' })).text).toMatch(/The root folder is unsupported/);
    expect(filesOnly(emu)).toEqual([]);
  });

  it('Stone: FileMetadata results are untagged, Metadata results tagged; error_summary varies, the union does not', async () => {
    const { emu, token, put } = await connect();
    const up = await put('/2026/11/FV_1.pdf', '%PDF-1');
    expect(up.json['.tag']).toBeUndefined();
    expect(Object.keys(up.json)).toEqual(['name', 'path_lower', 'path_display', 'id', 'client_modified', 'server_modified', 'rev', 'size', 'is_downloadable', 'content_hash']);
    expect(up.json.id).toMatch(/^id:[A-Za-z0-9_-]{22}$/);
    expect(up.json.rev).toMatch(/^[0-9a-f]{9,}$/);
    expect(up.json.server_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const meta = await rpc(emu, token, 'files/get_metadata', { path: '/2026/11/fv_1.PDF' });
    expect(meta.json).toMatchObject({ '.tag': 'file', id: up.json.id, path_display: '/2026/11/FV_1.pdf' });
    const folder = await rpc(emu, token, 'files/get_metadata', { path: '/2026' });
    expect(folder.json).toEqual({ '.tag': 'folder', name: '2026', path_lower: '/2026', path_display: '/2026', id: expect.stringMatching(/^id:/) });

    const summaries = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const missing = await rpc(emu, token, 'files/get_metadata', { path: '/nope.pdf' });
      expect(missing.status).toBe(409);
      expect(missing.json.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
      expect(missing.json.error_summary).toMatch(/^path\/not_found\/\.+$/);
      summaries.add(missing.json.error_summary);
    }
    expect(summaries.size).toBeGreaterThan(1);
  });
});

describe('add-only commits (files/upload)', () => {
  it('mode add: new files land with their parents; identical bytes again change nothing; different bytes are a conflict', async () => {
    const { emu, put } = await connect();
    const first = await put('/BaseLinker Backup/2026/11/Invoices/FV_1.pdf', 'one', { mode: 'add', client_modified: '2026-11-21T02:00:00Z' });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ size: 3, client_modified: '2026-11-21T02:00:00Z', content_hash: dropboxHash(Buffer.from('one')) });
    expect(emu.tree()).toEqual([
      'Apps/',
      'Apps/BaseLinker Backup/',
      'Apps/BaseLinker Backup/BaseLinker Backup/',
      'Apps/BaseLinker Backup/BaseLinker Backup/2026/',
      'Apps/BaseLinker Backup/BaseLinker Backup/2026/11/',
      'Apps/BaseLinker Backup/BaseLinker Backup/2026/11/Invoices/',
      'Apps/BaseLinker Backup/BaseLinker Backup/2026/11/Invoices/FV_1.pdf',
    ]);

    // Identical content: success, and the answer is the file as it was (client_modified included).
    const again = await put('/BaseLinker Backup/2026/11/Invoices/FV_1.pdf', 'one', { client_modified: '2026-11-22T03:00:00Z' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);

    const other = await put('/BaseLinker Backup/2026/11/Invoices/fv_1.PDF', 'two');
    expect(other.status).toBe(409);
    expect(other.json.error_summary).toMatch(/^path\/conflict\/file\/\.+$/);
    expect(other.json.error).toEqual({ '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } }, upload_session_id: expect.stringMatching(/^pid_upload_session:/) });

    const strict = await put('/BaseLinker Backup/2026/11/Invoices/FV_1.pdf', 'one', { strict_conflict: true });
    expect(strict.json.error.reason.conflict['.tag']).toBe('file');
    const renamed = await put('/BaseLinker Backup/2026/11/Invoices/FV_1.pdf', 'two', { autorename: true });
    expect(renamed.json.name).toBe('FV_1 (1).pdf');

    expect(filesOnly(emu).map((p) => p.split('/').pop())).toEqual(['FV_1 (1).pdf', 'FV_1.pdf']);
    expect(emu.files.find((f) => f.path.endsWith('/FV_1.pdf'))!.content.toString()).toBe('one');
    expect(emu.violations).toEqual([]);
  });

  it('overwrite and update replace content, and are recorded; a stale rev is a conflict', async () => {
    const { emu, put } = await connect();
    const first = await put('/a.txt', 'one');
    expect((await put('/a.txt', 'one', { mode: 'overwrite' })).json.rev).toBe(first.json.rev);
    expect(emu.violations).toEqual([]);
    const replaced = await put('/a.txt', 'two', { mode: 'overwrite' });
    expect(replaced.json).toMatchObject({ id: first.json.id, size: 3 });
    expect(replaced.json.rev).not.toBe(first.json.rev);
    const stale = await put('/a.txt', 'three', { mode: { '.tag': 'update', update: first.json.rev } });
    expect(stale.json.error.reason).toEqual({ '.tag': 'conflict', conflict: { '.tag': 'file' } });
    await put('/a.txt', 'four', { mode: { '.tag': 'update', update: replaced.json.rev } });
    expect(emu.files.map((f) => f.content.toString())).toEqual(['four']);
    expect(emu.violations.map((v) => [v.kind, v.route, v.path, v.performed])).toEqual([
      ['overwrite', 'files/upload', '/Apps/BaseLinker Backup/a.txt', true],
      ['update', 'files/upload', '/Apps/BaseLinker Backup/a.txt', true],
    ]);
  });

  it('paths are case-insensitive and case-preserving; folders keep the case they were made with', async () => {
    const { emu, token, put } = await connect();
    await put('/Invoices/FV_1.pdf', '1');
    const second = await put('/INVOICES/fv_2.pdf', '2');
    expect(second.json).toMatchObject({ path_display: '/Invoices/fv_2.pdf', path_lower: '/invoices/fv_2.pdf' });
    const list = await rpc(emu, token, 'files/list_folder', { path: '/invoices' });
    expect(list.json.entries.map((e: Json) => e.name)).toEqual(['FV_1.pdf', 'fv_2.pdf']);
    expect(emu.tree().filter((p) => p.toLowerCase().includes('invoices/'))).toEqual(['Apps/BaseLinker Backup/Invoices/', 'Apps/BaseLinker Backup/Invoices/FV_1.pdf', 'Apps/BaseLinker Backup/Invoices/fv_2.pdf']);
  });

  it('content_hash: 4 MiB blocks, SHA-256 each, SHA-256 of the digests; a wrong one refuses the upload', async () => {
    const { emu, put } = await connect();
    const big = Buffer.alloc(9 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
    const up = await put('/orders.csv', big, { content_hash: dropboxHash(big) });
    expect(up.status).toBe(200);
    expect(up.json.content_hash).toBe(dropboxHash(big));
    expect(up.json.content_hash).not.toBe(createHash('sha256').update(big).digest('hex'));
    const wrong = await put('/other.csv', 'abc', { content_hash: dropboxHash(Buffer.from('abd')) });
    expect(wrong.status).toBe(409);
    expect(wrong.json.error).toEqual({ '.tag': 'content_hash_mismatch' });
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/orders.csv']);
    expect(emu.files[0]!.content.equals(big)).toBe(true);
  });

  it('refuses disallowed and malformed names, files where folders must be, bodies over the limit, and a full account', async () => {
    const { emu, put } = await connect({ maxRequestBytes: 1000, storageLimitBytes: 1000 });
    const reason = async (path: string, body = 'x') => (await put(path, body)).json.error_summary as string;
    expect(await reason('/Desktop.ini')).toMatch(/^path\/disallowed_name\//);
    expect(await reason('/x/.DS_Store')).toMatch(/^path\/disallowed_name\//);
    expect(await reason(`/${'a'.repeat(256)}.pdf`)).toMatch(/^path\/malformed_path\//);
    expect(await reason('/a//b.pdf')).toMatch(/^path\/malformed_path\//);
    expect(await reason('/a\\b.pdf')).toMatch(/^path\/malformed_path\//);
    expect(await reason('/trailing .pdf ')).toMatch(/^path\/malformed_path\//);
    // Outside the Basic Multilingual Plane (most emoji): refused; a symbol inside it is taken.
    expect(await reason('/Rechnung 🧾.pdf')).toMatch(/^path\/malformed_path\//);
    expect((await put('/Rechnung ♞.pdf', 'ok')).status).toBe(200);
    expect((await put(`/${'a'.repeat(251)}.pdf`, 'ok')).status).toBe(200);
    await put('/2026', 'a file named like a folder');
    expect(await reason('/2026/11/FV.pdf')).toMatch(/^path\/conflict\/file_ancestor\//);
    expect(await reason('/big.bin', 'x'.repeat(1001))).toMatch(/^payload_too_large\//);
    expect(await reason('/fits.bin', 'x'.repeat(1000))).toMatch(/^path\/insufficient_space\//);
    expect((await put('/small.bin', 'x'.repeat(100))).status).toBe(200);
    expect(filesOnly(emu).map((p) => p.split('/').pop()!.slice(0, 12))).toEqual(['2026', 'Rechnung ♞.p', 'aaaaaaaaaaaa', 'small.bin']);
  });

  it('App folder: the app sees its folder as "/"; Full Dropbox sees everything', async () => {
    const app = await connect();
    app.emu.seed({ path: '/Photos/holiday.jpg', content: 'jpg' });
    await app.put('/x.pdf', 'x');
    expect((await rpc(app.emu, app.token, 'files/list_folder', { path: '' })).json.entries.map((e: Json) => e.path_display)).toEqual(['/x.pdf']);
    expect((await rpc(app.emu, app.token, 'files/get_metadata', { path: '/Photos/holiday.jpg' })).status).toBe(409);
    expect(app.emu.tree()).toEqual(['Apps/', 'Apps/BaseLinker Backup/', 'Apps/BaseLinker Backup/x.pdf', 'Photos/', 'Photos/holiday.jpg']);

    const full = await connect({ access: 'full_dropbox' });
    full.emu.seed({ path: '/Photos/holiday.jpg', content: 'jpg' });
    await full.put('/Backup/x.pdf', 'x');
    expect(full.emu.appRoot).toBe('');
    expect((await rpc(full.emu, full.token, 'files/list_folder', { path: '', recursive: true })).json.entries.map((e: Json) => e.path_display)).toEqual(['/Photos', '/Photos/holiday.jpg', '/Backup', '/Backup/x.pdf']);
  });
});

describe('upload sessions and batch commits', () => {
  it('start, append_v2 (a wrong offset names the right one), close, finish; a finished session is gone', async () => {
    const { emu, token } = await connect();
    const start = await content(emu, token, 'files/upload_session/start', {}, 'abc');
    const id = start.json.session_id as string;
    expect(id).toMatch(/^pid_upload_session:/);
    const wrong = await content(emu, token, 'files/upload_session/append_v2', { cursor: { session_id: id, offset: 0 } }, 'def');
    expect(wrong.status).toBe(409);
    expect(wrong.json.error).toEqual({ '.tag': 'incorrect_offset', correct_offset: 3 });
    const ok = await content(emu, token, 'files/upload_session/append_v2', { cursor: { session_id: id, offset: 3 }, close: true }, 'def');
    expect(ok.status).toBe(200);
    expect(ok.json).toBeNull();
    const closed = await content(emu, token, 'files/upload_session/append_v2', { cursor: { session_id: id, offset: 6 } }, 'g');
    expect(closed.json.error).toEqual({ '.tag': 'closed' });
    const finishArg = { cursor: { session_id: id, offset: 6 }, commit: { path: '/big/orders.csv', mode: 'add' } };
    const done = await content(emu, token, 'files/upload_session/finish', finishArg);
    expect(done.json).toMatchObject({ name: 'orders.csv', size: 6, content_hash: dropboxHash(Buffer.from('abcdef')) });
    expect(done.json['.tag']).toBeUndefined();
    const twice = await content(emu, token, 'files/upload_session/finish', finishArg);
    expect(twice.json.error).toEqual({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } });
    expect(emu.files.map((f) => [f.path, f.content.toString()])).toEqual([['/Apps/BaseLinker Backup/big/orders.csv', 'abcdef']]);
  });

  it('sessions expire after 7 days; the hash of a session call covers that call only', async () => {
    let t = Date.UTC(2026, 10, 21);
    const { emu, token } = await connect({ now: () => t });
    const one = await content(emu, token, 'files/upload_session/start', { content_hash: dropboxHash(Buffer.from('abc')) }, 'abc');
    expect(one.status).toBe(200);
    const bad = await content(emu, token, 'files/upload_session/append_v2', { cursor: { session_id: one.json.session_id, offset: 3 }, content_hash: dropboxHash(Buffer.from('abcdef')) }, 'def');
    expect(bad.json.error).toEqual({ '.tag': 'content_hash_mismatch' });
    t += 7 * 24 * 3600 * 1000 + 1;
    const token2 = await accessToken(emu);
    const late = await content(emu, token2, 'files/upload_session/append_v2', { cursor: { session_id: one.json.session_id, offset: 3 } }, 'def');
    expect(late.json.error).toEqual({ '.tag': 'not_found' });
  });

  it('finish_batch_v2: one RPC on the API host, one result per entry in order, each a success or a failure union', async () => {
    const { emu, token, put } = await connect();
    await put('/inv/same.pdf', 'same');
    await put('/inv/taken.pdf', 'theirs');
    const session = async (bytes: string, close = true) => (await content(emu, token, 'files/upload_session/start', { close }, bytes)).json.session_id as string;
    const entry = async (path: string, bytes: string, close = true) => ({ cursor: { session_id: await session(bytes, close), offset: bytes.length }, commit: { path, mode: 'add', autorename: false } });
    const entries = [await entry('/inv/new.pdf', 'new'), await entry('/inv/same.pdf', 'same'), await entry('/inv/taken.pdf', 'ours'), await entry('/inv/open.pdf', 'open', false)];
    const before = emu.requests.length;
    const batch = await rpc(emu, token, 'files/upload_session/finish_batch_v2', { entries });
    expect(emu.requests.slice(before).map((r) => [r.host, r.route])).toEqual([['api', 'files/upload_session/finish_batch_v2']]);
    expect(batch.status).toBe(200);
    const results = batch.json.entries as Json[];
    expect(results.map((e) => e['.tag'])).toEqual(['success', 'success', 'failure', 'failure']);
    expect(results[0]).toMatchObject({ name: 'new.pdf', size: 3 });
    expect(results[1]).toMatchObject({ name: 'same.pdf', size: 4 });
    expect(results[2].failure).toEqual({ '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'file' } } });
    expect(results[3].failure).toEqual({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } });
    expect(emu.files.map((f) => [f.path.split('/').pop(), f.content.toString()])).toEqual([['same.pdf', 'same'], ['taken.pdf', 'theirs'], ['new.pdf', 'new']]);

    const tooMany = await rpc(emu, token, 'files/upload_session/finish_batch_v2', { entries: Array.from({ length: 1001 }, () => entries[0]) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toMatch(/entries: list has more than 1000 items/);
  });

  it('the deprecated finish_batch answers a job id, and finish_batch/check is in progress once, then complete', async () => {
    const { emu, token } = await connect();
    const id = (await content(emu, token, 'files/upload_session/start', { close: true }, 'abc')).json.session_id;
    const launch = await rpc(emu, token, 'files/upload_session/finish_batch', { entries: [{ cursor: { session_id: id, offset: 3 }, commit: { path: '/a.txt' } }] });
    expect(launch.json['.tag']).toBe('async_job_id');
    const check = () => rpc(emu, token, 'files/upload_session/finish_batch/check', { async_job_id: launch.json.async_job_id });
    expect((await check()).json).toEqual({ '.tag': 'in_progress' });
    const done = await check();
    expect(done.json['.tag']).toBe('complete');
    expect(done.json.entries[0]).toMatchObject({ '.tag': 'success', name: 'a.txt' });
    expect((await rpc(emu, token, 'files/upload_session/finish_batch/check', { async_job_id: 'nope' })).json.error['.tag']).toBe('invalid_async_job_id');
  });

  it('concurrent sessions: no data at start, 4 MiB pieces in any order, closed before finish', async () => {
    const { emu, token } = await connect();
    const unit = 4 * 1024 * 1024;
    expect((await content(emu, token, 'files/upload_session/start', { session_type: 'concurrent' }, 'x')).json.error['.tag']).toBe('concurrent_session_data_not_allowed');
    const id = (await content(emu, token, 'files/upload_session/start', { session_type: { '.tag': 'concurrent' } })).json.session_id;
    const a = Buffer.alloc(unit, 1);
    const b = Buffer.from('tail');
    expect((await content(emu, token, 'files/upload_session/append_v2', { cursor: { session_id: id, offset: 10 } }, a)).json.error['.tag']).toBe('concurrent_session_invalid_offset');
    expect((await content(emu, token, 'files/upload_session/append_v2', { cursor: { session_id: id, offset: unit }, close: true }, b)).status).toBe(200);
    const early = await content(emu, token, 'files/upload_session/finish', { cursor: { session_id: id, offset: unit + 4 }, commit: { path: '/c.bin' } });
    expect(early.json.error).toEqual({ '.tag': 'concurrent_session_missing_data' });
    expect((await content(emu, token, 'files/upload_session/append_v2', { cursor: { session_id: id, offset: 0 } }, a)).json.error['.tag']).toBe('closed');
  });
});

describe('listing', () => {
  it('recursive lists start with the folder itself; limit pages with a cursor; the last cursor then reports changes', async () => {
    const { emu, token, put } = await connect();
    for (const n of [1, 2, 3]) await put(`/B/2026/FV_${n}.pdf`, `doc ${n}`);
    const first = await rpc(emu, token, 'files/list_folder', { path: '/b', recursive: true, limit: 2 });
    expect(first.json.has_more).toBe(true);
    const names: string[] = first.json.entries.map((e: Json) => `${e['.tag']}:${e.path_display}`);
    let cursor = first.json.cursor as string;
    for (let more = true; more; ) {
      const next = await rpc(emu, token, 'files/list_folder/continue', { cursor });
      names.push(...next.json.entries.map((e: Json) => `${e['.tag']}:${e.path_display}`));
      cursor = next.json.cursor;
      more = next.json.has_more;
    }
    expect(names).toEqual(['folder:/B', 'folder:/B/2026', 'file:/B/2026/FV_1.pdf', 'file:/B/2026/FV_2.pdf', 'file:/B/2026/FV_3.pdf']);
    expect((await rpc(emu, token, 'files/list_folder/continue', { cursor })).json).toMatchObject({ entries: [], has_more: false });

    await put('/B/2026/FV_4.pdf', 'doc 4');
    await rpc(emu, token, 'files/delete_v2', { path: '/B/2026/FV_1.pdf' });
    const changes = await rpc(emu, token, 'files/list_folder/continue', { cursor });
    expect(changes.json.entries.map((e: Json) => `${e['.tag']}:${e.path_display}`)).toEqual(['deleted:/B/2026/FV_1.pdf', 'file:/B/2026/FV_4.pdf']);
    expect((await rpc(emu, token, 'files/get_metadata', { path: '/B/2026/FV_1.pdf', include_deleted: true })).json['.tag']).toBe('deleted');
  });

  it('not found, not a folder, a bad cursor, and a short page (the shortPage fault)', async () => {
    const { emu, token, put } = await connect();
    await put('/a/x.pdf', 'x');
    await put('/a/y.pdf', 'y');
    expect((await rpc(emu, token, 'files/list_folder', { path: '/none' })).json.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
    expect((await rpc(emu, token, 'files/list_folder', { path: '/a/x.pdf' })).json.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_folder' } });
    expect((await rpc(emu, token, 'files/list_folder/continue', { cursor: 'bogus' })).status).toBe(400);
    emu.injectFault({ kind: 'shortPage', match: { route: 'files/list_folder' } });
    const short = await rpc(emu, token, 'files/list_folder', { path: '/a' });
    expect(short.json.entries).toHaveLength(1);
    expect(short.json.has_more).toBe(true);
  });
});

describe('OAuth', () => {
  const pkce = () => {
    const verifier = 'v'.repeat(20) + Math.random().toString(36).slice(2).padEnd(30, 'x');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };
  const authorizeUrl = (emu: DropboxEmulator, challenge: string, extra: Record<string, string> = {}) =>
    `${emu.authorizeUrl}?${new URLSearchParams({ client_id: emu.appKey, response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', token_access_type: 'offline', ...extra })}`;
  const tokenCall = (emu: DropboxEmulator, params: Record<string, string>) =>
    fetch(`${emu.apiUrl}oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) }).then(answer);

  it('PKCE with offline access: the code shown after "Allow" and the verifier give a refresh token; codes are single-use', async () => {
    const emu = await start();
    const { verifier, challenge } = pkce();
    const page = await fetch(authorizeUrl(emu, challenge)).then(answer);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/would like access/);
    const code = emu.approve(authorizeUrl(emu, challenge));
    expect((await tokenCall(emu, { grant_type: 'authorization_code', code, client_id: emu.appKey, code_verifier: 'wrong'.repeat(10) })).json).toEqual({ error: 'invalid_grant', error_description: 'invalid code verifier' });
    const code2 = emu.approve(authorizeUrl(emu, challenge));
    const ok = await tokenCall(emu, { grant_type: 'authorization_code', code: code2, client_id: emu.appKey, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'bearer', expires_in: 14400, scope: 'account_info.read files.metadata.read files.content.read files.content.write' });
    expect(ok.json.access_token).toMatch(/^sl\./);
    expect(typeof ok.json.refresh_token).toBe('string');
    expect(ok.json.account_id).toMatch(/^dbid:/);
    const replay = await tokenCall(emu, { grant_type: 'authorization_code', code: code2, client_id: emu.appKey, code_verifier: verifier });
    expect(replay.json).toEqual({ error: 'invalid_grant', error_description: "code doesn't exist or has expired" });

    // Without token_access_type=offline there is no refresh token.
    const online = emu.approve(authorizeUrl(emu, challenge, { token_access_type: 'online' }));
    expect((await tokenCall(emu, { grant_type: 'authorization_code', code: online, client_id: emu.appKey, code_verifier: verifier })).json.refresh_token).toBeUndefined();
    expect(() => emu.approve(authorizeUrl(emu, challenge, { redirect_uri: 'http://127.0.0.1:9/cb' }))).toThrow();
    expect((await fetch(authorizeUrl(emu, challenge, { client_id: 'other' })).then(answer)).status).toBe(400);
  });

  it('refresh: no secret for a PKCE grant, the secret for a code grant; expired and revoked tokens', async () => {
    let t = Date.UTC(2026, 10, 21);
    const emu = await start({ now: () => t });
    const pkceToken = emu.issueRefreshToken();
    expect((await tokenCall(emu, { grant_type: 'refresh_token', refresh_token: pkceToken, client_id: emu.appKey })).status).toBe(200);
    const secretGrant = emu.issueRefreshToken({ pkce: false });
    expect((await tokenCall(emu, { grant_type: 'refresh_token', refresh_token: secretGrant, client_id: emu.appKey })).json).toEqual({ error: 'invalid_request', error_description: 'No auth function available for given request' });
    expect((await tokenCall(emu, { grant_type: 'refresh_token', refresh_token: secretGrant, client_id: emu.appKey, client_secret: emu.appSecret })).status).toBe(200);
    expect((await tokenCall(emu, { grant_type: 'refresh_token', refresh_token: secretGrant, client_id: emu.appKey, client_secret: 'nope' })).json.error).toBe('invalid_client');

    const access = await accessToken(emu, pkceToken);
    const other = await accessToken(emu, pkceToken);
    t += 14_400 * 1000;
    const expired = await rpc(emu, access, 'users/get_current_account');
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error_summary: expect.stringMatching(/^expired_access_token\/\.+$/), error: { '.tag': 'expired_access_token' } });

    const fresh = await accessToken(emu, pkceToken);
    expect((await rpc(emu, fresh, 'auth/token/revoke')).json).toBeNull();
    expect((await rpc(emu, fresh, 'users/get_current_account')).json.error).toEqual({ '.tag': 'invalid_access_token' });
    t -= 14_400 * 1000;
    expect((await rpc(emu, other, 'users/get_current_account')).json.error).toEqual({ '.tag': 'invalid_access_token' });
    expect((await tokenCall(emu, { grant_type: 'refresh_token', refresh_token: pkceToken, client_id: emu.appKey })).json).toEqual({ error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' });
    // Revoking one grant leaves the others alone.
    expect((await rpc(emu, await accessToken(emu, emu.issueRefreshToken()), 'users/get_current_account')).status).toBe(200);
  });

  it('a route needs its scope: 401 missing_scope names it', async () => {
    const { emu, token } = await connect({ scopes: ['account_info.read', 'files.metadata.read'] });
    const refused = await content(emu, token, 'files/upload', { path: '/a.txt' }, 'a');
    expect(refused.status).toBe(401);
    expect(refused.json.error).toEqual({ '.tag': 'missing_scope', required_scope: 'files.content.write' });
    expect((await rpc(emu, token, 'files/list_folder', { path: '' })).status).toBe(200);
  });

  it('never records tokens, codes, verifiers or secrets', async () => {
    const emu = await start();
    const { verifier, challenge } = pkce();
    const code = emu.approve(authorizeUrl(emu, challenge));
    const ok = await tokenCall(emu, { grant_type: 'authorization_code', code, client_id: emu.appKey, code_verifier: verifier });
    await rpc(emu, ok.json.access_token, 'users/get_current_account');
    await fetch(`${emu.apiUrl}2/files/list_folder?authorization=${encodeURIComponent(`Bearer ${ok.json.access_token}`)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":""}' });
    const log = JSON.stringify(emu.requests);
    for (const s of [code, verifier, ok.json.access_token, ok.json.refresh_token, emu.appSecret]) expect(log).not.toContain(s);
    expect(emu.requests.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(emu.requests[0]!.arg).toEqual({ grant_type: 'authorization_code' });
  });
});

describe('rate limits and lock contention', () => {
  it('writes over the window get 429 too_many_requests with Retry-After and retry_after, sliding with the clock', async () => {
    let t = Date.UTC(2026, 10, 21);
    const { emu, put } = await connect({ now: () => t, writeLimit: { writes: 2, windowSeconds: 60 } });
    expect((await put('/1.txt', '1')).status).toBe(200);
    t += 20_000;
    expect((await put('/2.txt', '2')).status).toBe(200);
    const refused = await put('/3.txt', '3');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(refused.json).toEqual({ error_summary: expect.stringMatching(/^too_many_requests\/\.+$/), error: { reason: { '.tag': 'too_many_requests' }, retry_after: 40 } });
    t += 40_000;
    expect((await put('/3.txt', '3')).status).toBe(200);
    expect(filesOnly(emu)).toHaveLength(3);
  });

  it('overlapping commits into one namespace: the second gets 429 too_many_write_operations; contendCommits does it on demand', async () => {
    const { emu, put } = await connect({ commitMs: 150 });
    const [a, b] = await Promise.all([put('/a.txt', 'a'), new Promise<Answer>((r) => setTimeout(() => r(put('/b.txt', 'b')), 30))]);
    expect([a.status, b.status]).toEqual([200, 429]);
    expect(b.json.error).toEqual({ reason: { '.tag': 'too_many_write_operations' }, retry_after: 1 });
    emu.contendCommits(2, 7);
    for (const expected of [429, 429, 200]) {
      const r = await put('/b.txt', 'b');
      expect(r.status).toBe(expected);
      if (expected === 429) expect(r.headers.get('retry-after')).toBe('7');
    }
    expect(filesOnly(emu)).toEqual(['Apps/BaseLinker Backup/a.txt', 'Apps/BaseLinker Backup/b.txt']);
  });

  it('contended batch entries fail with too_many_write_operations inside a 200; their sessions can be committed again', async () => {
    const { emu, token } = await connect();
    const ids = await Promise.all(['a', 'b'].map(async (x) => (await content(emu, token, 'files/upload_session/start', { close: true }, x)).json.session_id as string));
    const entries = ids.map((id, i) => ({ cursor: { session_id: id, offset: 1 }, commit: { path: `/${i}.txt` } }));
    emu.injectFault({ kind: 'batchEntriesContended', entries: 1, match: { route: 'files/upload_session/finish_batch_v2' } });
    const first = await rpc(emu, token, 'files/upload_session/finish_batch_v2', { entries });
    expect(first.json.entries[0]).toEqual({ '.tag': 'failure', failure: { '.tag': 'too_many_write_operations' } });
    expect(first.json.entries[1]['.tag']).toBe('success');
    const retry = await rpc(emu, token, 'files/upload_session/finish_batch_v2', { entries: [entries[0]] });
    expect(retry.json.entries[0]).toMatchObject({ '.tag': 'success', name: '0.txt' });
    expect(emu.files.map((f) => f.content.toString()).sort()).toEqual(['a', 'b']);
  });

  it('a full account fails a batch entry with path/insufficient_space', async () => {
    const { emu, token } = await connect({ storageLimitBytes: 5 });
    const id = (await content(emu, token, 'files/upload_session/start', { close: true }, 'too big')).json.session_id;
    const r = await rpc(emu, token, 'files/upload_session/finish_batch_v2', { entries: [{ cursor: { session_id: id, offset: 7 }, commit: { path: '/x.txt' } }] });
    expect(r.json.entries[0]).toEqual({ '.tag': 'failure', failure: { '.tag': 'path', path: { '.tag': 'insufficient_space' } } });
    expect(filesOnly(emu)).toEqual([]);
  });
});

describe('faults', () => {
  it('5xx and 429 on demand, matched by route; OAuth calls are not hit by default', async () => {
    const { emu, token, put } = await connect();
    emu.injectFault({ kind: 'serverError', status: 503, times: 2 });
    emu.injectFault({ kind: 'rateLimited', reason: 'too_many_write_operations', retryAfterSeconds: 3, match: { route: 'files/upload' } });
    expect((await accessToken(emu)).length).toBeGreaterThan(10);
    const first = await put('/a.txt', 'a');
    expect([first.status, first.text]).toEqual([503, 'Service Unavailable']);
    expect((await rpc(emu, token, 'files/list_folder', { path: '' })).status).toBe(503);
    const limited = await put('/a.txt', 'a');
    expect([limited.status, limited.headers.get('retry-after'), limited.json.error.retry_after]).toEqual([429, '3', 3]);
    expect((await put('/a.txt', 'a')).status).toBe(200);
    expect(emu.requests.filter((r) => r.fault).map((r) => [r.route, r.fault])).toEqual([
      ['files/upload', 'serverError'],
      ['files/list_folder', 'serverError'],
      ['files/upload', 'rateLimited'],
    ]);
  });

  it('a reset mid-upload stores nothing; a dropped response comes after the write took effect', async () => {
    const { emu, put } = await connect();
    emu.injectFault({ kind: 'resetMidUpload', afterBytes: 1000, match: { route: 'files/upload' } });
    await expect(put('/cut.bin', Buffer.alloc(100_000, 7))).rejects.toThrow();
    expect(filesOnly(emu)).toEqual([]);
    emu.injectFault({ kind: 'dropResponse', match: { route: 'files/upload' } });
    await expect(put('/dropped.pdf', 'stored anyway')).rejects.toThrow();
    expect(emu.files.map((f) => [f.path, f.content.toString()])).toEqual([['/Apps/BaseLinker Backup/dropped.pdf', 'stored anyway']]);
    expect(emu.requests.map((r) => [r.route, r.status, r.fault])).toEqual([
      ['/oauth2/token', 200, undefined],
      ['files/upload', 0, 'resetMidUpload'],
      ['files/upload', 0, 'dropResponse'],
    ]);
  });

  it('delay holds an answer back', async () => {
    const { emu, token } = await connect();
    emu.injectFault({ kind: 'delay', ms: 200 });
    const t0 = Date.now();
    expect((await rpc(emu, token, 'files/list_folder', { path: '' })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('latencyMs holds back every answer, the token endpoint included: a round trip for the benchmark', async () => {
    const emu = await start({ latencyMs: 150 });
    const t0 = Date.now();
    const token = await accessToken(emu);
    expect((await rpc(emu, token, 'files/list_folder', { path: '' })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe('violations: every destructive route is carried out as Dropbox would, and recorded', () => {
  it('a person deleting a file or saving other bytes over it is no violation: the same id, a new revision', async () => {
    const { emu, token, put } = await connect();
    const kept = (await put('/docs/kept.pdf', 'original')).json;
    await put('/docs/gone.pdf', 'gone');
    emu.editByHand('/Apps/BaseLinker Backup/docs/kept.pdf', { content: Buffer.from('orig') });
    emu.editByHand('/apps/baselinker backup/docs/GONE.pdf', { remove: true });
    const listed = (await rpc(emu, token, 'files/list_folder', { path: '/docs', include_deleted: true })).json.entries;
    expect(listed.map((e: Json) => [e['.tag'], e.name, e.id ?? null, e.size ?? null])).toEqual([
      ['file', 'kept.pdf', kept.id, 4],
      ['deleted', 'gone.pdf', null, null],
    ]);
    expect(listed[0].rev).not.toBe(kept.rev);
    expect(listed[0].content_hash).toBe(dropboxHash(Buffer.from('orig')));
    expect(() => emu.editByHand('/Apps/BaseLinker Backup/docs/none.pdf', { remove: true })).toThrow(/no file/);
    expect(emu.violations).toEqual([]);
  });


  it('delete, delete_v2, delete_batch, permanently_delete, move, move_v2, copy onto a taken path', async () => {
    const { emu, token, put } = await connect({ scopes: ['account_info.read', 'files.metadata.read', 'files.content.read', 'files.content.write', 'files.permanent_delete'] });
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) await put(`/docs/${n}.pdf`, n);
    const v1 = await rpc(emu, token, 'files/delete', { path: '/docs/a.pdf' });
    expect(v1.json).toMatchObject({ '.tag': 'file', name: 'a.pdf' });
    expect((await rpc(emu, token, 'files/delete_v2', { path: '/docs/b.pdf' })).json.metadata).toMatchObject({ '.tag': 'file', name: 'b.pdf' });
    const batch = await rpc(emu, token, 'files/delete_batch', { entries: [{ path: '/docs/c.pdf' }, { path: '/docs/none.pdf' }] });
    expect(batch.json['.tag']).toBe('complete');
    expect(batch.json.entries.map((e: Json) => e['.tag'])).toEqual(['success', 'failure']);
    expect((await rpc(emu, token, 'files/permanently_delete', { path: '/docs/d.pdf' })).status).toBe(200);
    expect((await rpc(emu, token, 'files/move', { from_path: '/docs/e.pdf', to_path: '/moved/e.pdf' })).json.path_display).toBe('/moved/e.pdf');
    expect((await rpc(emu, token, 'files/move_v2', { from_path: '/docs/f.pdf', to_path: '/docs/g.pdf' })).json.error_summary).toMatch(/^to\/conflict\/file\//);
    expect((await rpc(emu, token, 'files/copy_v2', { from_path: '/docs/g.pdf', to_path: '/docs/h.pdf' })).json.error_summary).toMatch(/^to\/conflict\/file\//);
    expect((await rpc(emu, token, 'files/copy_v2', { from_path: '/docs/g.pdf', to_path: '/docs/g2.pdf' })).json.metadata.name).toBe('g2.pdf');

    expect(emu.violations.map((v) => [v.kind, v.route, v.path.replace('/Apps/BaseLinker Backup', ''), v.performed])).toEqual([
      ['delete', 'files/delete', '/docs/a.pdf', true],
      ['delete_v2', 'files/delete_v2', '/docs/b.pdf', true],
      ['delete_batch', 'files/delete_batch', '/docs/c.pdf', true],
      ['delete_batch', 'files/delete_batch', '/docs/none.pdf', false],
      ['permanently_delete', 'files/permanently_delete', '/docs/d.pdf', true],
      ['move', 'files/move', '/docs/e.pdf', true],
      ['move_v2', 'files/move_v2', '/docs/f.pdf', false],
      ['copy_onto_existing', 'files/copy_v2', '/docs/h.pdf', false],
    ]);
    expect(filesOnly(emu).map((p) => p.replace('Apps/BaseLinker Backup/', ''))).toEqual(['docs/f.pdf', 'docs/g.pdf', 'docs/g2.pdf', 'docs/h.pdf', 'moved/e.pdf']);
    const listed = await rpc(emu, token, 'files/list_folder', { path: '/docs', include_deleted: true });
    expect(listed.json.entries.filter((e: Json) => e['.tag'] === 'deleted').map((e: Json) => e.name)).toEqual(['a.pdf', 'b.pdf', 'c.pdf', 'e.pdf']);
  });
});
