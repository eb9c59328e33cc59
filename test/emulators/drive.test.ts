// Tests of the Drive emulator itself, driven by the REAL client (@googleapis/drive 22 → googleapis-common 8,
// google-auth-library 10, gaxios 7), so the emulator is checked against the wire format the client really
// produces rather than against our assumptions. No request may leave 127.0.0.1: where a test needs to show a
// request that WOULD go to Google, a gaxios adapter intercepts it before any network I/O.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, drive, type drive_v3 } from '@googleapis/drive';
import {
  CHUNK_UNIT,
  FOLDER_MIME,
  startDriveEmulator,
  type DriveEmulator,
  type DriveEmulatorOptions,
} from '../../tools/emulators/drive/server.js';
import { metadataAndMedia } from '../../tools/emulators/drive/multipart.js';

type OAuth2 = InstanceType<typeof auth.OAuth2>;
type GaxiosLikeError = { status?: number; response?: { status: number; data: unknown; headers: Headers } };

const running: DriveEmulator[] = [];
afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

async function start(o: DriveEmulatorOptions = {}): Promise<DriveEmulator> {
  const emu = await startDriveEmulator(o);
  running.push(emu);
  return emu;
}

function oauthClient(emu: DriveEmulator): OAuth2 {
  return new auth.OAuth2({
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    endpoints: { oauth2TokenUrl: emu.tokenUrl, oauth2RevokeUrl: emu.revokeUrl, oauth2AuthBaseUrl: emu.authUrl },
  });
}

/** A signed-in client. `o` is the per-call options object: the only way to move uploads (see the trap test). */
function connect(emu: DriveEmulator) {
  const oauth2 = oauthClient(emu);
  const refreshToken = emu.issueRefreshToken();
  oauth2.setCredentials({ refresh_token: refreshToken });
  const d = drive({ version: 'v3', auth: oauth2 });
  const o = { rootUrl: emu.rootUrl };
  return { oauth2, d, o, refreshToken };
}

/** Awaits a promise that must fail; returns the Gaxios error's status and body. */
async function failure(p: Promise<unknown>): Promise<{ status: number | undefined; data: unknown; headers: Headers | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as GaxiosLikeError;
    return { status: err.response?.status ?? err.status, data: err.response?.data, headers: err.response?.headers };
  }
  throw new Error('expected the call to fail');
}

async function folder(d: drive_v3.Drive, o: { rootUrl: string }, name: string, parent = 'root'): Promise<string> {
  const r = await d.files.create({ requestBody: { name, mimeType: FOLDER_MIME, parents: [parent] }, fields: 'id' }, o);
  return r.data.id!;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('files: folders, list and q', () => {
  it('creates folders and finds them with q; without fields only kind,id,name,mimeType come back', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const top = await folder(d, o, 'BaseLinker Backup');
    await folder(d, o, '2026', top);
    await folder(d, o, '2025', top);

    const r = await d.files.list({ q: `'${top}' in parents and mimeType = '${FOLDER_MIME}' and trashed = false` }, o);
    expect(r.data.kind).toBe('drive#fileList');
    expect(r.data.incompleteSearch).toBe(false);
    expect(r.data.files!.map((f) => f.name).sort()).toEqual(['2025', '2026']);
    expect(Object.keys(r.data.files![0]!).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);

    const byName = await d.files.list({ q: `name = '2026' and '${top}' in parents`, fields: 'files(id,name,parents)' }, o);
    expect(byName.data.files).toHaveLength(1);
    expect(byName.data.files![0]!.parents).toEqual([top]);
    expect(emu.tree()).toEqual(['BaseLinker Backup/', 'BaseLinker Backup/2025/', 'BaseLinker Backup/2026/']);
  });

  it('honours \\\' and \\\\ escapes, matches name = case-insensitively and name contains by word prefix', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await folder(d, o, "O'Brien \\ Sons");
    await folder(d, o, 'Invoices');
    await folder(d, o, 'HelloWorld');
    const names = async (q: string) => (await d.files.list({ q, fields: 'files(name)' }, o)).data.files!.map((f) => f.name);
    expect(await names("name = 'O\\'Brien \\\\ Sons'")).toEqual(["O'Brien \\ Sons"]);
    // Drive's `=` on name ignores case: a client must re-check the exact name of every hit.
    expect(await names("name = 'invoices'")).toEqual(['Invoices']);
    expect(await names("name contains 'Hello'")).toEqual(['HelloWorld']);
    expect(await names("name contains 'World'")).toEqual([]);
    expect(await names("not name contains 'Hello' and (name = 'Invoices' or name = 'nothing')")).toEqual(['Invoices']);
  });

  it('matches appProperties has { key and value }', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await d.files.create({ requestBody: { name: 'a', mimeType: FOLDER_MIME, appProperties: { blb: 'period-2026-11' } } }, o);
    await d.files.create({ requestBody: { name: 'b', mimeType: FOLDER_MIME, appProperties: { blb: 'other' } } }, o);
    const r = await d.files.list({ q: "appProperties has { key='blb' and value='period-2026-11' }", fields: 'files(name,appProperties)' }, o);
    expect(r.data.files).toEqual([{ name: 'a', appProperties: { blb: 'period-2026-11' } }]);
  });

  it('answers 400 Invalid Value for unknown terms and syntax errors, never silently true', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await folder(d, o, 'x');
    for (const q of [
      "title = 'x'", // v2 field name
      "name = 'x' and",
      "name = 'unterminated",
      "name in parents",
      "parents = 'root'",
      "trashed = 'false'",
      "appProperties has { key='k' }",
      "(name = 'x'",
      "name == 'x'",
    ]) {
      const f = await failure(d.files.list({ q }, { ...o, retry: false }));
      expect(f.status, q).toBe(400);
      expect(f.data).toEqual({
        error: {
          code: 400,
          message: 'Invalid Value',
          errors: [{ message: 'Invalid Value', domain: 'global', reason: 'invalid', location: 'q', locationType: 'parameter' }],
        },
      });
    }
  });

  it('pages with pageSize/pageToken and orders by createdTime or name', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const emu = await start({ now: () => t });
    const { d, o } = connect(emu);
    for (const n of ['c', 'a', 'e', 'b', 'd']) {
      await folder(d, o, n);
      t += 1000;
    }
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const r = await d.files.list({ pageSize: 2, orderBy: 'createdTime', fields: 'nextPageToken,files(name)', ...(pageToken ? { pageToken } : {}) }, o);
      expect(r.data.files!.length).toBeLessThanOrEqual(2);
      seen.push(...r.data.files!.map((f) => f.name!));
      pageToken = r.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(seen).toEqual(['c', 'a', 'e', 'b', 'd']);
    const byName = await d.files.list({ orderBy: 'name desc', fields: 'files(name)' }, o);
    expect(byName.data.files!.map((f) => f.name)).toEqual(['e', 'd', 'c', 'b', 'a']);
    // Without nextPageToken in `fields`, Drive does not return it: the classic "only first page" bug.
    const cut = await d.files.list({ pageSize: 2, fields: 'files(name)' }, o);
    expect(cut.data.nextPageToken).toBeUndefined();
    expect((await failure(d.files.list({ pageSize: 1001 }, { ...o, retry: false }))).status).toBe(400);
    expect((await failure(d.files.list({ orderBy: 'size' }, { ...o, retry: false }))).status).toBe(400);
    expect((await failure(d.files.list({ pageToken: 'bogus' }, { ...o, retry: false }))).status).toBe(400);
  });
});

describe('uploads', () => {
  it('multipart upload via files.create({requestBody, media}) stores the exact bytes', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const parent = await folder(d, o, 'Invoices');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5000, 0xfe), Buffer.from('\r\n--not-a-boundary\r\n')]);
    const r = await d.files.create(
      {
        requestBody: { name: 'FV_1_11_2026.pdf', parents: [parent], appProperties: { docId: '1' } },
        media: { mimeType: 'application/pdf', body: Readable.from(pdf) },
        fields: 'id,name,mimeType,size,md5Checksum,parents,appProperties',
      },
      o,
    );
    expect(r.data).toMatchObject({ name: 'FV_1_11_2026.pdf', mimeType: 'application/pdf', parents: [parent], appProperties: { docId: '1' } });
    // size is a string on the wire (int64), not a number.
    expect(r.data.size).toBe(String(pdf.length));
    expect(r.data.md5Checksum).toBe(md5(pdf));
    const stored = emu.files.find((f) => f.id === r.data.id)!;
    expect(stored.content.equals(pdf)).toBe(true);
    expect(stored.path).toBe('Invoices/FV_1_11_2026.pdf');
    const upload = emu.requests.find((q) => q.path === '/upload/drive/v3/files')!;
    expect(upload).toMatchObject({ method: 'POST', uploadType: 'multipart', status: 200 });

    // A string body takes the other branch of the client's multipart writer.
    const s = await d.files.create({ requestBody: { name: 'note.txt' }, media: { mimeType: 'text/plain', body: 'zażółć' } }, o);
    expect(emu.files.find((f) => f.id === s.data.id)!.content.toString('utf8')).toBe('zażółć');

    // alt=media returns the bytes.
    const got = await d.files.get({ fileId: r.data.id!, alt: 'media' }, { ...o, responseType: 'arraybuffer' });
    expect(Buffer.from(got.data as unknown as ArrayBuffer).equals(pdf)).toBe(true);
  });

  it('the client writes multipart/related exactly so (checked on a raw socket), and the parser takes it', async () => {
    const seen: { type: string; chunked: boolean; body: Buffer }[] = [];
    const raw = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ type: req.headers['content-type']!, chunked: req.headers['transfer-encoding'] === 'chunked', body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}');
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const oauth2 = new auth.OAuth2({ clientId: 'c', clientSecret: 's' });
      oauth2.setCredentials({ access_token: 't', expiry_date: Date.now() + 3600_000 });
      const d = drive({ version: 'v3', auth: oauth2 });
      const o = { rootUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/` };
      await d.files.create({ requestBody: { name: 'a' }, media: { mimeType: 'application/pdf', body: Readable.from(Buffer.from('PDF')) } }, o);
      await d.files.create({ requestBody: { name: 'b' }, media: { mimeType: 'text/plain', body: 'txt' } }, o);
      const expected = [
        ['a', 'application/pdf', 'PDF'],
        ['b', 'text/plain', 'txt'],
      ] as const;
      expected.forEach(([name, mime, content], i) => {
        const { type, chunked, body } = seen[i]!;
        const b = /^multipart\/related; boundary=([0-9a-f-]{36})$/.exec(type)![1]!;
        expect(chunked).toBe(true); // a stream, no Content-Length
        expect(body.toString()).toBe(
          `--${b}\r\ncontent-type: application/json\r\n\r\n{"name":"${name}"}\r\n--${b}\r\ncontent-type: ${mime}\r\n\r\n${content}\r\n--${b}--`,
        );
        const parsed = metadataAndMedia(body, type);
        expect(JSON.parse(parsed.metadata.toString())).toEqual({ name });
        expect(parsed.media.toString()).toBe(content);
        expect(parsed.mediaType).toBe(mime);
      });
    } finally {
      raw.close();
    }
  });

  it('a Buffer media body is not accepted by the client (it needs a stream or a string)', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await expect(
      d.files.create({ requestBody: { name: 'x.pdf' }, media: { mimeType: 'application/pdf', body: Buffer.from('x') } }, o),
    ).rejects.toThrow(/pipe/);
    expect(emu.files).toHaveLength(0);
  });

  it('uploadType=media creates an "Untitled" file typed by Content-Type', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const r = await d.files.create({ media: { mimeType: 'text/csv', body: 'a,b\n' }, fields: 'name,mimeType,size' }, o);
    expect(r.data).toEqual({ name: 'Untitled', mimeType: 'text/csv', size: '4' });
    expect(emu.requests.at(-1)!.uploadType).toBe('media');
  });

  it('TRAP: the service-level rootUrl moves metadata calls but NOT uploads; per-call { rootUrl } moves both', async () => {
    const emu = await start();
    const oauth2 = oauthClient(emu);
    oauth2.setCredentials({ refresh_token: emu.issueRefreshToken() });
    const seen: string[] = [];
    // Intercepts every Drive request before any network I/O; anything not for 127.0.0.1 is refused here.
    const adapter = async (opts: { url: URL | string }, defaultAdapter: (o: unknown) => Promise<unknown>) => {
      const url = String(opts.url);
      seen.push(url);
      if (new URL(url).hostname !== '127.0.0.1') throw new Error(`blocked request to ${url}`);
      return defaultAdapter(opts);
    };
    const serviceLevel = drive({ version: 'v3', auth: oauth2, rootUrl: emu.rootUrl });
    await serviceLevel.files.list({}, { adapter } as object);
    expect(seen.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/drive\/v3\/files/);
    await expect(
      serviceLevel.files.create({ requestBody: { name: 'x.txt' }, media: { mimeType: 'text/plain', body: 'x' } }, { adapter } as object),
    ).rejects.toThrow(/blocked request to https:\/\/www\.googleapis\.com\/upload\/drive\/v3\/files\?uploadType=multipart/);

    const perCall = drive({ version: 'v3', auth: oauth2 });
    await perCall.files.create({ requestBody: { name: 'y.txt' }, media: { mimeType: 'text/plain', body: 'y' } }, { rootUrl: emu.rootUrl, adapter } as object);
    expect(seen.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/drive\/v3\/files\?uploadType=multipart/);
    expect(emu.tree()).toEqual(['y.txt']);
  });

  it('resumable upload by hand: 308 + Range, an interrupted chunk, a status query, resume, 200 with the file', async () => {
    const emu = await start();
    const { oauth2, d, o } = connect(emu);
    const parent = await folder(d, o, 'Receipts');
    const total = 3 * CHUNK_UNIT + 1234;
    const data = Buffer.alloc(total);
    for (let i = 0; i < total; i++) data[i] = (i * 7) % 251;
    const ok = (s: number) => s === 200 || s === 201 || s === 308;

    const init = await oauth2.request({
      url: `${emu.rootUrl}upload/drive/v3/files?uploadType=resumable&fields=id,name,size,md5Checksum,parents`,
      method: 'POST',
      data: { name: 'big.pdf', parents: [parent], mimeType: 'application/pdf' },
      headers: { 'X-Upload-Content-Type': 'application/pdf', 'X-Upload-Content-Length': String(total) },
    });
    expect(init.status).toBe(200);
    const session = init.headers.get('location')!;
    expect(session).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/drive\/v3\/files\?.*upload_id=/);

    const put = (body: Buffer, range: string) =>
      oauth2.request({ url: session, method: 'PUT', data: body, headers: { 'Content-Range': range }, validateStatus: ok });
    const status = () => put(Buffer.alloc(0), `bytes */${total}`);

    // Nothing received yet: 308 without any Range header.
    const fresh = await status();
    expect(fresh.status).toBe(308);
    expect(fresh.headers.get('range')).toBeNull();

    const first = await put(data.subarray(0, CHUNK_UNIT), `bytes 0-${CHUNK_UNIT - 1}/${total}`);
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe(`bytes=0-${CHUNK_UNIT - 1}`);

    // A chunk that is not a multiple of 256 KiB (and not the last) is refused.
    expect((await failure(put(data.subarray(CHUNK_UNIT, CHUNK_UNIT + 1000), `bytes ${CHUNK_UNIT}-${CHUNK_UNIT + 999}/${total}`))).status).toBe(400);

    // The connection dies 300 KiB into a 512 KiB chunk: the server keeps only whole 256 KiB units.
    emu.injectFault({ kind: 'resetMidUpload', afterBytes: 300 * 1024, match: { method: 'PUT' } });
    const cut = await failure(put(data.subarray(CHUNK_UNIT, 3 * CHUNK_UNIT), `bytes ${CHUNK_UNIT}-${3 * CHUNK_UNIT - 1}/${total}`));
    expect(cut.status).toBeUndefined();
    const after = await status();
    expect(after.status).toBe(308);
    const received = Number(/^bytes=0-(\d+)$/.exec(after.headers.get('range')!)![1]) + 1;
    expect(received).toBe(2 * CHUNK_UNIT);

    const done = await put(data.subarray(received), `bytes ${received}-${total - 1}/${total}`);
    expect(done.status).toBe(200);
    expect(done.data).toMatchObject({ name: 'big.pdf', size: String(total), md5Checksum: md5(data), parents: [parent] });
    expect(emu.files.find((f) => f.name === 'big.pdf')!.content.equals(data)).toBe(true);
    // Session URIs need no Authorization, and querying a finished session returns the file again.
    const again = await fetch(session, { method: 'PUT', headers: { 'Content-Range': `bytes */${total}` } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { name: string }).name).toBe('big.pdf');
    expect(emu.files.filter((f) => f.name === 'big.pdf')).toHaveLength(1);
  });
});

describe('idempotent creates with generateIds', () => {
  it('a generated id creates once; the same id again is 409 fileIdInUse and no second file; an ungenerated id is 400', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const ids = await d.files.generateIds({ count: 3, space: 'drive', type: 'files' }, o);
    expect(ids.data.kind).toBe('drive#generatedIds');
    expect(ids.data.ids).toHaveLength(3);
    const id = ids.data.ids![0]!;
    const body = { requestBody: { id, name: 'FV_1.pdf' }, media: { mimeType: 'application/pdf', body: 'pdf' }, fields: 'id' };
    expect((await d.files.create(body, o)).data.id).toBe(id);
    const again = await failure(d.files.create({ ...body, media: { mimeType: 'application/pdf', body: 'pdf' } }, o));
    expect(again.status).toBe(409);
    expect(again.data).toEqual({
      error: {
        code: 409,
        message: 'A file already exists with the provided ID.',
        errors: [{ message: 'A file already exists with the provided ID.', domain: 'global', reason: 'fileIdInUse' }],
      },
    });
    expect(emu.files.filter((f) => f.name === 'FV_1.pdf')).toHaveLength(1);

    const bad = await failure(d.files.create({ requestBody: { id: '1abcdefghijklmnopqrstuvwxyz012345', name: 'x', mimeType: FOLDER_MIME } }, o));
    expect(bad.status).toBe(400);
    expect((bad.data as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason).toBe('fileIdNotUsable');
  });

  it('a create whose answer was lost is retried with the same id: 409, exactly one file', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const [id] = (await d.files.generateIds({ count: 1 }, o)).data.ids!;
    emu.injectFault({ kind: 'dropResponse', match: { method: 'POST', path: '/drive/v3/files' } });
    const lost = await failure(d.files.create({ requestBody: { id: id!, name: 'Invoices', mimeType: FOLDER_MIME } }, o));
    expect(lost.status).toBeUndefined(); // the client cannot tell whether it worked
    const retry = await failure(d.files.create({ requestBody: { id: id!, name: 'Invoices', mimeType: FOLDER_MIME } }, o));
    expect(retry.status).toBe(409);
    expect(emu.tree()).toEqual(['Invoices/']);
  });
});

describe('fields selection and get', () => {
  it('selects nested fields, returns all with *, and rejects unknown names with 400', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const f = await d.files.create({ requestBody: { name: 'a.csv', appProperties: { k: 'v' } }, media: { mimeType: 'text/csv', body: '1' }, fields: 'id' }, o);
    const id = f.data.id!;
    const plain = await d.files.get({ fileId: id }, o);
    expect(plain.data).toEqual({ kind: 'drive#file', id, name: 'a.csv', mimeType: 'text/csv' });
    const some = await d.files.get({ fileId: id, fields: 'id, size,appProperties , parents' }, o);
    expect(some.data).toEqual({ id, size: '1', appProperties: { k: 'v' }, parents: [emu.rootFolderId] });
    const all = await d.files.get({ fileId: id, fields: '*' }, o);
    expect(all.data).toMatchObject({ id, trashed: false, size: '1', md5Checksum: md5(Buffer.from('1')) });
    expect(all.data.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const list = await d.files.list({ fields: 'files/id,files(name)' }, o);
    expect(list.data).toEqual({ files: [{ id, name: 'a.csv' }] });
    const bad = await failure(d.files.get({ fileId: id, fields: 'id,nmae' }, { ...o, retry: false }));
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ error: { message: 'Invalid field selection nmae', errors: [{ reason: 'invalidParameter', location: 'fields' }] } });
    const missing = await failure(d.files.get({ fileId: 'nope' }, { ...o, retry: false }));
    expect(missing.status).toBe(404);
    expect(missing.data).toMatchObject({ error: { message: 'File not found: nope.', errors: [{ reason: 'notFound' }] } });
  });

  it('about needs fields and reports user and storage quota', async () => {
    const emu = await start({ storageQuotaBytes: 1000 });
    const { d, o } = connect(emu);
    expect((await failure(d.about.get({}, { ...o, retry: false }))).status).toBe(400);
    await d.files.create({ requestBody: { name: 'a' }, media: { body: '12345' } }, o);
    const a = await d.about.get({ fields: 'user,storageQuota' }, o);
    expect(a.data.user).toMatchObject({ emailAddress: 'owner@example.com', me: true });
    expect(a.data.storageQuota).toEqual({ limit: '1000', usage: '5', usageInDrive: '5', usageInDriveTrash: '0' });
    const full = await failure(d.files.create({ requestBody: { name: 'b' }, media: { body: 'x'.repeat(996) } }, o));
    expect(full.status).toBe(403);
    expect(full.data).toMatchObject({ error: { errors: [{ reason: 'storageQuotaExceeded', domain: 'usageLimits' }] } });
  });

  it('shared drives: invisible without supportsAllDrives; items carry driveId; corpora=drive lists them', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const driveId = emu.addSharedDrive('Team');
    const hidden = await failure(d.files.create({ requestBody: { name: 'x', mimeType: FOLDER_MIME, parents: [driveId] } }, o));
    expect(hidden.status).toBe(404);
    const r = await d.files.create({ requestBody: { name: 'x', mimeType: FOLDER_MIME, parents: [driveId] }, supportsAllDrives: true, fields: 'id,driveId' }, o);
    expect(r.data.driveId).toBe(driveId);
    expect((await d.files.list({ fields: 'files(id)' }, o)).data.files).toEqual([]);
    const listed = await d.files.list({ corpora: 'drive', driveId, includeItemsFromAllDrives: true, supportsAllDrives: true, fields: 'files(name,driveId)' }, o);
    expect(listed.data.files).toEqual([{ name: 'x', driveId }]);
    expect(emu.tree()).toEqual(['[Team]/x/']);
  });
});

describe('OAuth', () => {
  it('401 with the real body after revoke, and invalid_grant on refresh', async () => {
    const emu = await start();
    const { oauth2, d, o, refreshToken } = connect(emu);
    await d.files.list({}, o);
    const { token } = await oauth2.getAccessToken();
    expect(token).toMatch(/^ya29\./);
    await oauth2.revokeToken(refreshToken);

    const denied = await failure(d.files.list({}, { ...o, retry: false }));
    expect(denied.status).toBe(401);
    expect(denied.headers?.get('www-authenticate')).toContain('invalid_token');
    expect(denied.data).toEqual({
      error: {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
        status: 'UNAUTHENTICATED',
      },
    });
    const refresh = await failure(oauth2.refreshAccessToken());
    expect(refresh.status).toBe(400);
    expect(refresh.data).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    // A second revoke of a dead token is invalid_token.
    expect((await failure(oauth2.revokeToken(refreshToken))).data).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });

  it('no Authorization is 401 "Login Required"; an access token past its expiry is 401 too', async () => {
    let t = Date.now();
    const emu = await start({ accessTokenTtlSeconds: 600, now: () => t });
    const bare = await fetch(`${emu.rootUrl}drive/v3/files`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason).toBe('required');
    const { d, o } = connect(emu);
    await d.files.list({}, o);
    t += 601_000; // the emulator's clock moves, the client's does not: it still believes its token is fresh
    expect((await failure(d.files.list({}, { ...o, retry: false }))).status).toBe(401);
  });

  it('a TTL under 5 minutes makes the client refresh before every call (eagerRefreshThresholdMillis)', async () => {
    const emu = await start({ accessTokenTtlSeconds: 60 });
    const { d, o } = connect(emu);
    await d.files.list({}, o);
    await d.files.list({}, o);
    expect(emu.requests.map((r) => r.path)).toEqual(['/token', '/drive/v3/files', '/token', '/drive/v3/files']);
  });

  it('checks the client secret and the grant type', async () => {
    const emu = await start();
    const rt = emu.issueRefreshToken();
    const post = (form: Record<string, string>) =>
      fetch(emu.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const wrong = await post({ grant_type: 'refresh_token', refresh_token: rt, client_id: emu.clientId, client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    const bad = await post({ grant_type: 'password', client_id: emu.clientId, client_secret: emu.clientSecret });
    expect(((await bad.json()) as { error: string }).error).toBe('unsupported_grant_type');
    const good = await post({ grant_type: 'refresh_token', refresh_token: rt, client_id: emu.clientId, client_secret: emu.clientSecret });
    const body = (await good.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: 'https://www.googleapis.com/auth/drive.file' });
    expect(body['refresh_token']).toBeUndefined(); // Google does not send one on refresh
  });

  it('loopback sign-in end to end: authorize redirects to our listener; PKCE S256 is checked; codes are single-use', async () => {
    const emu = await start();
    const oauth2 = oauthClient(emu);
    const got: URLSearchParams[] = [];
    const listener = createServer((req, res) => {
      got.push(new URL(req.url!, 'http://127.0.0.1').searchParams);
      res.end('You can close this window.');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    try {
      const redirectUri = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      const { codeVerifier, codeChallenge } = await oauth2.generateCodeVerifierAsync();
      const url = oauth2.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: ['https://www.googleapis.com/auth/drive.file'],
        redirect_uri: redirectUri,
        state: 'xyz',
        code_challenge: codeChallenge!,
        code_challenge_method: 'S256' as never,
      });
      expect(url.startsWith(emu.authUrl)).toBe(true);
      const page = await fetch(url); // follows the 302 to the loopback listener, like the browser would
      expect(await page.text()).toBe('You can close this window.');
      const params = got[0]!;
      expect(params.get('state')).toBe('xyz');
      const code = params.get('code')!;

      const wrongVerifier = await failure(oauth2.getToken({ code, codeVerifier: 'x'.repeat(43), redirect_uri: redirectUri }));
      expect(wrongVerifier.data).toMatchObject({ error: 'invalid_grant' });
      // The failed attempt did not consume the code; the right verifier gets tokens, refresh token included.
      const { tokens } = await oauth2.getToken({ code, codeVerifier, redirect_uri: redirectUri });
      expect(tokens.refresh_token).toMatch(/^1\/\//);
      expect(tokens.access_token).toMatch(/^ya29\./);
      const replay = await failure(oauth2.getToken({ code, codeVerifier, redirect_uri: redirectUri }));
      expect(replay.data).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
      oauth2.setCredentials(tokens);
      await drive({ version: 'v3', auth: oauth2 }).files.list({}, { rootUrl: emu.rootUrl });

      // Without access_type=offline there is no refresh token.
      const online = oauth2.generateAuthUrl({ scope: 'https://www.googleapis.com/auth/drive.file', redirect_uri: redirectUri });
      await fetch(online);
      const { tokens: t2 } = await oauth2.getToken({ code: got[1]!.get('code')!, redirect_uri: redirectUri });
      expect(t2.refresh_token).toBeUndefined();
    } finally {
      listener.close();
    }
  });

  it('never records tokens, codes or secrets in emu.requests', async () => {
    const emu = await start();
    const { oauth2, d, o, refreshToken } = connect(emu);
    await d.files.list({}, o);
    const { token } = await oauth2.getAccessToken();
    await oauth2.revokeToken(token!);
    const log = JSON.stringify(emu.requests);
    expect(log).not.toContain(token!);
    expect(log).not.toContain(refreshToken);
    expect(log).not.toContain(emu.clientSecret);
    expect(emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /token 200',
      'GET /drive/v3/files 200',
      'POST /revoke 200',
    ]);
  });
});

describe('write quota', () => {
  it('answers 403 userRateLimitExceeded past N writes per second, sliding with the clock', async () => {
    let t = Date.parse('2026-11-02T03:00:00Z');
    const emu = await start({ writesPerSecond: 2, now: () => t });
    const { d, o } = connect(emu);
    await folder(d, o, 'a');
    await folder(d, o, 'b');
    await d.files.list({}, o); // reads are not writes
    const over = await failure(folder(d, o, 'c'));
    expect(over.status).toBe(403);
    expect(over.data).toEqual({
      error: {
        code: 403,
        message: 'User rate limit exceeded.',
        errors: [{ message: 'User rate limit exceeded.', domain: 'usageLimits', reason: 'userRateLimitExceeded' }],
      },
    });
    t += 1000;
    await folder(d, o, 'c');
    expect(emu.tree()).toEqual(['a/', 'b/', 'c/']);
  });
});

describe('faults', () => {
  it('5xx: the client retries a GET by itself but never a POST', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await d.files.list({}, o); // sign in first so the fault hits Drive, not the token call
    emu.injectFault({ kind: 'serverError', status: 503 });
    await d.files.list({}, o);
    expect(emu.requests.slice(-2).map((r) => r.status)).toEqual([503, 200]);

    emu.injectFault({ kind: 'serverError', status: 500, match: { method: 'POST' } });
    const f = await failure(folder(d, o, 'x'));
    expect(f.status).toBe(500);
    expect(f.data).toMatchObject({ error: { code: 500, errors: [{ reason: 'backendError' }] } });
    expect(emu.files).toHaveLength(0);
  });

  it('429 carries Retry-After, which the client ignores; 403 rateLimitExceeded is not retried at all', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await d.files.list({}, o);
    emu.injectFault({ kind: 'tooManyRequests', retryAfterSeconds: 30, match: { method: 'POST' } });
    const f = await failure(folder(d, o, 'x'));
    expect(f.status).toBe(429);
    expect(f.headers?.get('retry-after')).toBe('30');
    expect(f.data).toMatchObject({ error: { code: 429, errors: [{ reason: 'rateLimitExceeded' }] } });

    emu.injectFault({ kind: 'tooManyRequests', retryAfterSeconds: 30 });
    const began = Date.now();
    await d.files.list({}, o); // retried after ~100 ms, not 30 s
    expect(Date.now() - began).toBeLessThan(5000);

    emu.injectFault({ kind: 'rateLimitExceeded' });
    const g = await failure(d.files.list({}, o));
    expect(g.status).toBe(403);
    expect(g.data).toMatchObject({ error: { errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }] } });
  });

  it('403 userRateLimitExceeded and storageQuotaExceeded on demand', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await d.files.list({}, o);
    emu.injectFault({ kind: 'userRateLimitExceeded', match: { path: '/upload/drive/v3/files' } });
    emu.injectFault({ kind: 'storageQuotaExceeded', match: { uploadType: 'multipart' } });
    const reasons: string[] = [];
    for (let i = 0; i < 2; i++) {
      const f = await failure(d.files.create({ requestBody: { name: 'a' }, media: { body: 'x' } }, o));
      reasons.push((f.data as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason);
    }
    expect(reasons).toEqual(['userRateLimitExceeded', 'storageQuotaExceeded']);
    expect(emu.files).toHaveLength(0);
  });

  it('a connection reset mid-multipart creates nothing', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await d.files.list({}, o);
    const handle = emu.injectFault({ kind: 'resetMidUpload', afterBytes: 1000, match: { uploadType: 'multipart' } });
    const f = await failure(d.files.create({ requestBody: { name: 'a.pdf' }, media: { body: Readable.from(Buffer.alloc(200_000, 1)) } }, o));
    expect(f.status).toBeUndefined();
    expect(handle.remaining()).toBe(0);
    expect(emu.files).toHaveLength(0);
    expect(emu.requests.at(-1)).toMatchObject({ status: 0, fault: 'resetMidUpload' });
  });

  it('delay slows one answer down', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await d.files.list({}, o);
    emu.injectFault({ kind: 'delay', ms: 300 });
    const began = Date.now();
    await d.files.list({}, o);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
  });

  it('shortPage: an empty page with a nextPageToken before the end, as Drive may return', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    await folder(d, o, 'a');
    emu.injectFault({ kind: 'shortPage' });
    const first = await d.files.list({ fields: 'nextPageToken,files(name)' }, o);
    expect(first.data.files).toEqual([]);
    const second = await d.files.list({ pageToken: first.data.nextPageToken!, fields: 'nextPageToken,files(name)' }, o);
    expect(second.data.files).toEqual([{ name: 'a' }]);
    expect(second.data.nextPageToken).toBeUndefined();
  });

  it('list lag: a new folder is invisible to files.list for a while, but get by id finds it', async () => {
    let t = Date.parse('2026-11-02T03:00:00Z');
    const emu = await start({ listLagMs: 60_000, now: () => t });
    const { d, o } = connect(emu);
    const id = await folder(d, o, 'Invoices');
    const q = `name = 'Invoices' and trashed = false`;
    expect((await d.files.list({ q }, o)).data.files).toEqual([]);
    expect((await d.files.get({ fileId: id, fields: 'name' }, o)).data.name).toBe('Invoices');
    t += 60_000;
    expect((await d.files.list({ q, fields: 'files(id)' }, o)).data.files).toEqual([{ id }]);
  });
});

describe('never-delete guard', () => {
  it('records delete, trash, emptyTrash and content updates, and lists trashed files unless trashed = false', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const dir = await folder(d, o, 'Old');
    const file = await d.files.create({ requestBody: { name: 'a.txt', parents: [dir] }, media: { body: 'v1' }, fields: 'id' }, o);
    expect(emu.forbiddenCalls).toEqual([]);

    await d.files.update({ fileId: dir, requestBody: { trashed: true } }, o);
    // Trash reaches the folder's contents; a query without trashed = false still lists them.
    expect((await d.files.list({ q: "name = 'a.txt'", fields: 'files(name,trashed)' }, o)).data.files).toEqual([{ name: 'a.txt', trashed: true }]);
    expect((await d.files.list({ q: "name = 'a.txt' and trashed = false" }, o)).data.files).toEqual([]);

    await d.files.update({ fileId: file.data.id!, media: { body: 'v2' } }, o);
    expect(emu.files.find((f) => f.name === 'a.txt')!.content.toString()).toBe('v2');
    await d.files.delete({ fileId: file.data.id! }, o);
    await d.files.emptyTrash({}, o);
    expect(emu.forbiddenCalls.map((c) => c.kind)).toEqual(['trash', 'updateContent', 'delete', 'emptyTrash']);
    expect(emu.forbiddenCalls[2]).toMatchObject({ method: 'DELETE', fileId: file.data.id });
    expect(emu.tree()).toEqual([]);
  });

  it('seeded files: duplicates by name show up in tree(); files made by hand are invisible to drive.file', async () => {
    const emu = await start();
    const { d, o } = connect(emu);
    const top = emu.seed({ name: 'BaseLinker Backup' });
    emu.seed({ name: 'FV_1.pdf', parentId: top.id, content: 'a' });
    emu.seed({ name: 'FV_1.pdf', parentId: top.id, content: 'b' });
    emu.seed({ name: 'Mine', byHand: true });
    expect(emu.tree()).toEqual(['BaseLinker Backup/', 'BaseLinker Backup/FV_1.pdf', 'BaseLinker Backup/FV_1.pdf', 'Mine/']);
    const r = await d.files.list({ q: `'${top.id}' in parents`, fields: 'files(name)' }, o);
    expect(r.data.files).toHaveLength(2);
    expect((await d.files.list({ q: "name = 'Mine'" }, o)).data.files).toEqual([]);
  });
});
