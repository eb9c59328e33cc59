// A Google Drive v3 + OAuth emulator for tests and the benchmark: an HTTP server on 127.0.0.1 that the real client
// (@googleapis/drive + google-auth-library) talks to unchanged, pointed here by rootUrl / token / revoke URLs.
// It aims to be faithful to Google, not convenient for our client: real error bodies, real traps (trashed files
// listed, case-insensitive name =, search lag, size as a string, partial pages), a write quota, injectable faults,
// and a record of every call that could destroy data.
//
// This file does the HTTP plumbing (auth, quota, faults, logging, routing); the API lives in the files it imports.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { HttpError, invalidCredentials, missingCredentials, userRateLimitExceeded } from './errors.js';
import { faultError, FaultQueue, type Fault, type FaultHandle, type RequestInfo } from './faults.js';
import { readBody, readBodyPrefix, sendEmpty, sendError, sendJson } from './http-util.js';
import { DRIVE_FILE_SCOPE, OAuthServer } from './oauth.js';
import { WriteQuota } from './quota.js';
import { DriveStore, FOLDER_MIME, type EmulatorFile } from './store.js';
import type { Call, DriveContext, ForbiddenCall, Reply } from './context.js';
import { about, generateIds, getFile, listFiles } from './files-read.js';
import { createFile, deleteFile, emptyTrash, updateFile } from './files-write.js';
import { Uploads } from './uploads.js';

export type { Fault, FaultHandle, FaultMatch, FaultSpec, RequestInfo } from './faults.js';
export type { ForbiddenCall, ForbiddenKind } from './context.js';
export type { EmulatorFile } from './store.js';
export { FOLDER_MIME } from './store.js';
export { DRIVE_FILE_SCOPE } from './oauth.js';
export { CHUNK_UNIT } from './uploads.js';

export interface DriveEmulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Creates/uploads/updates per second per user, sliding window; 0 = unlimited (default). */
  writesPerSecond?: number;
  /** Lifetime of issued access tokens (Google: 3599 s). Default 3599. */
  accessTokenTtlSeconds?: number;
  /** New files stay out of files.list for this long (get by id still finds them). Default 0. */
  listLagMs?: number;
  /** Clock in epoch ms, for quota windows, token expiry and list lag. Default Date.now. */
  now?: () => number;
  /** Storage limit in bytes (about.storageQuota.limit; uploads beyond it get 403 storageQuotaExceeded). */
  storageQuotaBytes?: number;
  /** Issue a new refresh token on each refresh and invalidate the previous one. Default false (Google's way). */
  rotateRefreshTokens?: boolean;
  userEmail?: string;
}

/** One request as seen by the emulator. Secrets (tokens, codes, client secret) are never recorded. */
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  uploadType?: string;
  /** HTTP status answered; 0 when the connection was cut instead. */
  status: number;
  /** The injected fault that hit this request, if any. */
  fault?: string;
  at: number;
}

/** Seeds an item directly, as if made in the Drive UI (byHand) or earlier by the app. */
export interface SeedFile {
  name: string;
  parentId?: string;
  mimeType?: string;
  content?: Buffer | string;
  appProperties?: Record<string, string>;
  /** Made by the user in the Drive UI: invisible to a drive.file token. Default false. */
  byHand?: boolean;
}

export interface DriveEmulator {
  /** http://127.0.0.1:port/ — pass as the per-call `rootUrl` (uploads ignore the service-level one). */
  rootUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  authUrl: string;
  clientId: string;
  clientSecret: string;
  /** Id of My Drive's root folder ("root" is accepted as an alias too). */
  rootFolderId: string;
  /** Every stored item (not the drive roots), with its bytes, in creation order. */
  readonly files: EmulatorFile[];
  readonly requests: RequestRecord[];
  readonly forbiddenCalls: ForbiddenCall[];
  /** Items as paths, e.g. "BaseLinker Backup/2026/11/Invoices/FV_1_11_2026.pdf"; folders end in "/". */
  tree(): string[];
  issueRefreshToken(scope?: string): string;
  injectFault(f: Fault): FaultHandle;
  addSharedDrive(name: string): string;
  seed(f: SeedFile): EmulatorFile;
  /**
   * What a person does in the Drive UI (moves a file to the trash), a broken upload leaves (other bytes), or an older
   * version of the program left (no appProperties): done to the store directly, not recorded as a call the program made.
   */
  editByHand(fileId: string, edit: { trash?: boolean; content?: Buffer; appProperties?: Record<string, string> }): void;
  close(): Promise<void>;
}

const SECRET_PARAMS = new Set(['token', 'access_token', 'refresh_token', 'code', 'code_verifier', 'client_secret', 'key']);
const WRITE = /^(POST \/drive\/v3\/files|(POST|PATCH|PUT) \/upload\/drive\/v3\/files|(PATCH|DELETE) \/drive\/v3\/files\/)/;

export async function startDriveEmulator(o: DriveEmulatorOptions = {}): Promise<DriveEmulator> {
  const now = o.now ?? Date.now;
  const clientId = o.clientId ?? 'emulator-client.apps.googleusercontent.com';
  const clientSecret = o.clientSecret ?? 'emulator-client-secret';
  const store = new DriveStore(now);
  const faults = new FaultQueue();
  const forbidden: ForbiddenCall[] = [];
  const requests: RequestRecord[] = [];
  const quota = new WriteQuota(o.writesPerSecond ?? 0, now);
  const oauth = new OAuthServer({
    clientId,
    clientSecret,
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 3599,
    rotateRefreshTokens: o.rotateRefreshTokens ?? false,
    now,
  });
  let rootUrl = '';
  const ctx: DriveContext = {
    store,
    user: {
      email: o.userEmail ?? 'owner@example.com',
      name: 'Backup Owner',
      permissionId: randomBytes(10).toString('hex'),
    },
    now,
    listLagMs: o.listLagMs ?? 0,
    storageLimitBytes: o.storageQuotaBytes ?? Infinity,
    faults,
    forbidden,
    rootUrl: () => rootUrl,
  };
  const uploads = new Uploads(ctx);

  const route = (call: Call): Reply => {
    const { method, path } = call;
    const m = /^\/(upload\/)?drive\/v3\/files(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
      if (m[1]) {
        if (id === undefined && method === 'POST') return uploads.create(call);
        if (id !== undefined && (method === 'PATCH' || method === 'PUT')) return uploads.update(call, id);
      } else if (id === undefined) {
        if (method === 'GET') return listFiles(ctx, call);
        if (method === 'POST') return createFile(ctx, call);
      } else if (id === 'generateIds' && method === 'GET') {
        return generateIds(ctx, call);
      } else if (id === 'trash' && method === 'DELETE') {
        return emptyTrash(ctx, call);
      } else {
        if (method === 'GET') return getFile(ctx, call, id);
        if (method === 'PATCH') return updateFile(ctx, call, id);
        if (method === 'DELETE') return deleteFile(ctx, call, id);
      }
    }
    if (path === '/drive/v3/about' && method === 'GET') return about(ctx, call);
    throw new HttpError(404, 'Not Found');
  };

  /** Everything after faults: OAuth endpoints, session URIs, then authenticated Drive calls. */
  const handle = (req: IncomingMessage, info: RequestInfo, body: Buffer): Reply => {
    const { method, path, query } = info;
    if (path === '/o/oauth2/v2/auth' && method === 'GET') return { status: 302, headers: { location: oauth.authorize(query) } };
    if (path === '/token' && method === 'POST') {
      const form = formOf(req, body);
      return { status: 200, json: oauth.token(form, req.headers.authorization), headers: { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' } };
    }
    if (path === '/revoke' && method === 'POST') {
      oauth.revoke(query.get('token') ?? formOf(req, body).get('token'));
      return { status: 200, json: {} };
    }
    const call: Call = { method, path, query, headers: req.headers, body, grant: undefined };
    // A resumable session URI is its own credential: chunks need no Authorization header.
    if (method === 'PUT' && query.has('upload_id') && path.startsWith('/upload/drive/v3/files')) return uploads.put(call);
    if (path.startsWith('/drive/') || path.startsWith('/upload/')) {
      const auth = req.headers.authorization;
      const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
      if (!m) throw missingCredentials();
      const grant = oauth.checkAccessToken(m[1]!);
      if (!grant) throw invalidCredentials();
      call.grant = grant;
      if (WRITE.test(`${method} ${path}`) && !quota.tryTake()) throw userRateLimitExceeded();
    }
    return route(call);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const info: RequestInfo = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      uploadType: url.searchParams.get('uploadType') ?? undefined,
    };
    const rec: RequestRecord = { method: info.method, path: info.path, query: redact(url.searchParams), status: 0, at: now() };
    if (info.uploadType !== undefined) rec.uploadType = info.uploadType;
    requests.push(rec);
    void serve(req, res, info, rec).catch((e: unknown) => {
      // A bug in the emulator, not a simulated fault: say so loudly.
      console.error('drive emulator: internal error', e);
      if (!res.headersSent) sendEmpty(res, 500);
      rec.status = 500;
    });
  });

  const serve = async (req: IncomingMessage, res: ServerResponse, info: RequestInfo, rec: RequestRecord) => {
    const fault = faults.take(info, (f) => f.kind !== 'shortPage');
    if (fault) rec.fault = fault.kind;
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'resetMidUpload') {
      const { bytes } = await readBodyPrefix(req, Math.max(1, fault.afterBytes ?? 1));
      if (info.method === 'PUT' && info.query.has('upload_id')) {
        uploads.keepPartial({ method: info.method, path: info.path, query: info.query, headers: req.headers, body: bytes, grant: undefined }, bytes);
      }
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    const injected = fault ? faultError(fault) : undefined;
    let reply: Reply | undefined;
    let error: HttpError | undefined;
    if (injected) error = injected;
    else {
      try {
        reply = handle(req, info, body);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        error = e;
      }
    }
    if (fault?.kind === 'dropResponse') {
      // The work is done; the client just never hears about it.
      req.socket.destroy();
      return;
    }
    if (error) {
      rec.status = error.status;
      sendError(res, error);
    } else if (reply) {
      rec.status = reply.status;
      if (reply.json !== undefined) sendJson(res, reply.status, reply.json, reply.headers);
      else if (reply.bytes !== undefined) {
        res.writeHead(reply.status, { 'content-length': reply.bytes.length, ...reply.headers });
        res.end(reply.bytes);
      } else sendEmpty(res, reply.status, reply.headers);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  rootUrl = `http://127.0.0.1:${port}/`;

  return {
    rootUrl,
    tokenUrl: `${rootUrl}token`,
    revokeUrl: `${rootUrl}revoke`,
    authUrl: `${rootUrl}o/oauth2/v2/auth`,
    clientId,
    clientSecret,
    rootFolderId: store.rootId,
    get files() {
      return store.all().map((f) => store.snapshot(f));
    },
    requests,
    forbiddenCalls: forbidden,
    tree: () => store.tree(),
    issueRefreshToken: (scope = DRIVE_FILE_SCOPE) => oauth.issueRefreshToken(scope),
    injectFault: (f) => faults.add(f),
    addSharedDrive: (name) => store.addSharedDrive(name),
    seed: (s) => {
      const parent = store.get(s.parentId ?? 'root');
      if (!parent) throw new Error(`seed: no parent ${s.parentId}`);
      const mimeType = s.mimeType ?? (s.content === undefined ? FOLDER_MIME : 'application/octet-stream');
      const f = store.create({
        name: s.name,
        mimeType,
        parent,
        content: s.content === undefined ? null : Buffer.from(s.content),
        appProperties: s.appProperties ?? {},
        createdByApp: !s.byHand,
        listLagMs: 0,
      });
      return store.snapshot(f);
    },
    editByHand: (fileId, edit) => {
      const f = store.get(fileId);
      if (!f) throw new Error(`editByHand: no file ${fileId}`);
      if (edit.trash !== undefined) f.explicitlyTrashed = edit.trash;
      if (edit.content !== undefined) f.content = Buffer.from(edit.content);
      if (edit.appProperties !== undefined) f.appProperties = { ...edit.appProperties };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function formOf(req: IncomingMessage, body: Buffer): URLSearchParams {
  const type = req.headers['content-type'] ?? '';
  const text = body.toString('utf8');
  if (/application\/json/i.test(type)) {
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(v).map(([k, x]): [string, string] => [k, String(x)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

function redact(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) out[k] = SECRET_PARAMS.has(k) ? '[redacted]' : v;
  return out;
}
