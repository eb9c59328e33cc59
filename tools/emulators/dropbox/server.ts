// A Dropbox API v2 + OAuth emulator for tests and the demo: two HTTP listeners on 127.0.0.1 standing for Dropbox's
// two hosts, api.dropboxapi.com (RPC routes, the token endpoint; here also the authorize page, which Dropbox serves
// from www.dropbox.com) and content.dropboxapi.com (upload and download routes). It aims to be faithful to Dropbox,
// not convenient for our client: Stone's wire format and error unions, the 400 texts, case-insensitive paths, the App
// folder, add-only semantics, upload sessions and batch commits, rate limits and namespace lock contention,
// injectable faults, and a record of every call that deletes, moves or replaces data.
//
// This file does the plumbing (hosts, auth, scopes, argument decoding, faults, the request log); the API lives in
// the files it imports.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readBody, readBodyPrefix } from '../drive/http-util.js';
import type { Account, Call, DropboxContext, Reply, Violation } from './context.js';
import { authError, badInput, DropboxHttpError } from './errors.js';
import { faultError, FaultQueue, TRANSPORT_FAULTS, type Fault, type FaultHandle, type Host, type RequestInfo } from './faults.js';
import { NamespaceLock, WriteWindow } from './limits.js';
import { realLower } from './metadata.js';
import { APP_SCOPES, DropboxOAuth } from './oauth.js';
import { routeTable } from './routes.js';
import { SESSION_TTL_MS, Sessions } from './sessions.js';
import { tagged, timestamp } from './stone.js';
import { NamespaceStore } from './store.js';
import { bearerToken, decodeArg, headerSafeJson } from './wire.js';

export type { Fault, FaultHandle, FaultMatch, FaultSpec, Host, RequestInfo } from './faults.js';
export type { Violation, ViolationKind } from './context.js';
export { APP_SCOPES } from './oauth.js';

export interface DropboxEmulatorOptions {
  /** The app's key (client_id) and secret. */
  appKey?: string;
  appSecret?: string;
  /** The App folder's name: an App-folder app's "/" is "/Apps/<appName>". Default "BaseLinker Backup". */
  appName?: string;
  /** Fixed when the app is created in the App Console. Default "app_folder". */
  access?: 'app_folder' | 'full_dropbox';
  /** The app's permissions. Default the four a backup needs (APP_SCOPES). */
  scopes?: readonly string[];
  /** Lifetime of access tokens: Dropbox's are 4 hours (14400 s). */
  accessTokenTtlSeconds?: number;
  /** Upload sessions live 7 days on Dropbox. */
  sessionTtlMs?: number;
  /** Clock in epoch ms, for tokens, sessions, the write window and server_modified. Default Date.now. */
  now?: () => number;
  /** The account's space; beyond it commits fail with insufficient_space. Default unlimited. */
  storageLimitBytes?: number;
  /** Largest request body (files/upload, a session call): 150 MiB on Dropbox. */
  maxRequestBytes?: number;
  /** At most `writes` write calls per `windowSeconds`, sliding; beyond, 429 too_many_requests. Default off. */
  writeLimit?: { writes: number; windowSeconds: number };
  /** How long a commit holds the namespace lock; a commit meeting a held lock gets 429 too_many_write_operations. */
  commitMs?: number;
  /** The first N commits meet a lock held elsewhere (429 too_many_write_operations, retry_after below). */
  contendedCommits?: number;
  contentionRetryAfterSeconds?: number;
  /** Every answer waits this long: a network's round trip, for the benchmark. Default 0. */
  latencyMs?: number;
  account?: Partial<Account>;
}

/** One request as the emulator saw it. Tokens, codes and secrets are never recorded. */
export interface RequestRecord {
  host: Host;
  method: string;
  /** "files/upload" for API routes; "/oauth2/token", "/oauth2/authorize" for the OAuth endpoints. */
  route: string;
  /** The decoded argument (for the token endpoint only its grant_type). */
  arg?: unknown;
  /** Status answered; 0 when the connection was cut instead. */
  status: number;
  errorSummary?: string;
  fault?: string;
  /** Request body length. */
  bytes: number;
  at: number;
}

/** A stored file as a test inspects it: its real path (App folder included), metadata and bytes. */
export interface EmulatorFile {
  path: string;
  id: string;
  size: number;
  contentHash: string;
  rev: string;
  clientModified: string;
  serverModified: string;
  content: Buffer;
  byHand: boolean;
}

export interface SeedItem {
  /** Real path, e.g. "/Apps/BaseLinker Backup/2026/FV_1.pdf" (see appRoot) or "/Photos/x.jpg". */
  path: string;
  /** Bytes of a file; a folder when absent. */
  content?: Buffer | string;
  clientModified?: number;
}

export interface DropboxEmulator {
  /** http://127.0.0.1:port/ for api.dropboxapi.com: RPC routes and /oauth2/token. */
  apiUrl: string;
  /** http://127.0.0.1:port/ for content.dropboxapi.com: uploads and downloads. */
  contentUrl: string;
  /** The authorize page, www.dropbox.com/oauth2/authorize on Dropbox. */
  authorizeUrl: string;
  appKey: string;
  appSecret: string;
  /** The app's "/" as a real path: "/Apps/<app name>", or "" for Full Dropbox. */
  appRoot: string;
  /** The person opens the authorize URL the app printed, presses "Allow", and gets the code Dropbox shows. */
  approve(authorizeUrl: string): string;
  /** A refresh token as if the owner had signed in (with PKCE unless pkce: false). */
  issueRefreshToken(o?: { pkce?: boolean }): string;
  readonly files: EmulatorFile[];
  /** Every item by real path, sorted, without the leading "/"; folders end in "/". */
  tree(): string[];
  readonly requests: RequestRecord[];
  readonly violations: Violation[];
  injectFault(f: Fault): FaultHandle;
  /** The next n commits meet a namespace lock held elsewhere. */
  contendCommits(n: number, retryAfterSeconds?: number): void;
  /** Puts items there as a person would (folders made as needed), outside the API and its limits. */
  seed(item: SeedItem): void;
  /**
   * What a person does to a file in Dropbox's web page or desktop folder: deletes it, or saves other bytes over it
   * (the same file and id, a new revision). Not the app's doing, so never a violation.
   */
  editByHand(path: string, change: { remove: true } | { content: Buffer }): void;
  close(): Promise<void>;
}

export async function startDropboxEmulator(o: DropboxEmulatorOptions = {}): Promise<DropboxEmulator> {
  const now = o.now ?? Date.now;
  const appKey = o.appKey ?? 'emulatorappkey01';
  const appSecret = o.appSecret ?? 'emulator-app-secret';
  const appName = o.appName ?? 'BaseLinker Backup';
  const rootNames = (o.access ?? 'app_folder') === 'app_folder' ? ['Apps', appName] : [];
  const account: Account = {
    accountId: o.account?.accountId ?? `dbid:${randomBytes(24).toString('base64url')}`,
    email: o.account?.email ?? 'owner@example.com',
    displayName: o.account?.displayName ?? 'Backup Owner',
  };
  const store = new NamespaceStore(now);
  store.ensureFolders(rootNames);
  const lock = new NamespaceLock(o.commitMs ?? 0);
  if (o.contendedCommits) lock.contend(o.contendedCommits, o.contentionRetryAfterSeconds ?? 1);
  const ctx: DropboxContext = {
    store,
    view: { rootLower: realLower({ rootLower: '' }, rootNames) },
    rootNames,
    sessions: new Sessions(now, o.sessionTtlMs ?? SESSION_TTL_MS),
    oauth: new DropboxOAuth({
      appKey,
      appSecret,
      scopes: o.scopes ?? APP_SCOPES,
      accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 14_400,
      accountId: account.accountId,
      uid: '12345678',
      now,
    }),
    lock,
    faults: new FaultQueue(),
    violations: [],
    account,
    storageLimitBytes: o.storageLimitBytes ?? Infinity,
    maxRequestBytes: o.maxRequestBytes ?? 150 * 1024 * 1024,
    now,
  };
  const writes = new WriteWindow(o.writeLimit?.writes ?? 0, (o.writeLimit?.windowSeconds ?? 1) * 1000, now);
  const routes = routeTable();
  const requests: RequestRecord[] = [];

  /** /2/<route>: host, auth, scope, argument, write window, then the route. */
  const apiCall = async (host: Host, req: IncomingMessage, url: URL, route: string, body: Buffer, rec: RequestRecord): Promise<Reply> => {
    const def = routes.get(route);
    if (!def) throw new DropboxHttpError(404, `Unknown API function: "${route}"`);
    if (def.host !== host) {
      throw badInput(route, `this function is served by ${def.host === 'content' ? 'content.dropboxapi.com' : 'api.dropboxapi.com'}, not by this host.`);
    }
    const method = req.method ?? 'GET';
    if (method !== 'POST' && !(method === 'GET' && def.style === 'download')) throw badInput(route, `Request method ${method} not allowed; expecting POST.`);
    const token = bearerToken(route, req.headers, url.searchParams);
    const checked = ctx.oauth.check(token);
    if ('problem' in checked) throw authError(tagged(checked.problem));
    if (def.scope !== null && !checked.grant.scopes.has(def.scope)) throw authError(tagged('missing_scope', { required_scope: def.scope }));
    const { arg, fail } = decodeArg(route, def, req.headers, url.searchParams, body);
    rec.arg = arg;
    if (def.write) writes.take();
    const call: Call = { route, host, arg, body, accessToken: token, fail };
    return def.handle(ctx, call);
  };

  const handle = async (host: Host, req: IncomingMessage, url: URL, body: Buffer, rec: RequestRecord): Promise<Reply> => {
    const path = url.pathname;
    const api = /^\/2\/(.+)$/.exec(path);
    if (api) return apiCall(host, req, url, api[1]!, body, rec);
    if (host === 'api' && path === '/oauth2/token' && req.method === 'POST') {
      const params = new URLSearchParams(url.search);
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
      rec.arg = { grant_type: params.get('grant_type') };
      return { json: ctx.oauth.token(params, req.headers.authorization) };
    }
    if (host === 'api' && path === '/oauth2/authorize' && req.method === 'GET') {
      ctx.oauth.validateAuthorize(url.searchParams);
      return { bytes: Buffer.from(`<html><body><h1>${appName} would like access to the files and folders in your Dropbox.</h1><button>Allow</button></body></html>`) };
    }
    throw new DropboxHttpError(404, 'Not Found');
  };

  const serve = async (host: Host, req: IncomingMessage, res: ServerResponse, rec: RequestRecord, url: URL) => {
    const info: RequestInfo = { host, method: rec.method, route: rec.route };
    if (o.latencyMs) await new Promise((r) => setTimeout(r, o.latencyMs));
    const fault = ctx.faults.takeKind(info, TRANSPORT_FAULTS);
    if (fault) rec.fault = fault.kind;
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'resetMidUpload') {
      const { bytes } = await readBodyPrefix(req, Math.max(1, fault.afterBytes ?? 1));
      rec.bytes = bytes.length;
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    rec.bytes = body.length;
    let reply: Reply | undefined;
    let error = fault ? faultError(fault) : undefined;
    if (!error) {
      try {
        reply = await handle(host, req, url, body, rec);
      } catch (e) {
        if (!(e instanceof DropboxHttpError)) throw e;
        error = e;
      }
    }
    if (fault?.kind === 'dropResponse') {
      // The work is done; the client never hears of it.
      req.socket.destroy();
      return;
    }
    const requestId = randomBytes(16).toString('hex');
    if (error) {
      rec.status = error.status;
      if (typeof error.body === 'string') {
        send(res, error.status, 'text/plain; charset=utf-8', Buffer.from(error.body), { ...error.headers, 'x-dropbox-request-id': requestId });
      } else {
        rec.errorSummary = typeof error.body['error_summary'] === 'string' ? error.body['error_summary'] : undefined;
        send(res, error.status, 'application/json', Buffer.from(JSON.stringify(error.body)), { ...error.headers, 'x-dropbox-request-id': requestId });
      }
      return;
    }
    rec.status = 200;
    if (reply?.result !== undefined) {
      send(res, 200, 'application/octet-stream', reply.bytes ?? Buffer.alloc(0), { 'dropbox-api-result': headerSafeJson(reply.result), 'x-dropbox-request-id': requestId });
    } else if (reply?.bytes !== undefined) {
      send(res, 200, 'text/html; charset=utf-8', reply.bytes, { 'x-dropbox-request-id': requestId });
    } else {
      // The SDKs expect exactly "application/json", without a charset.
      send(res, 200, 'application/json', Buffer.from(JSON.stringify(reply?.json ?? null)), { 'x-dropbox-request-id': requestId });
    }
  };

  const listener = (host: Host) => (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/2\/(.+)$/.exec(url.pathname);
    const rec: RequestRecord = { host, method: (req.method ?? 'GET').toUpperCase(), route: api ? api[1]! : url.pathname, status: 0, bytes: 0, at: now() };
    requests.push(rec);
    void serve(host, req, res, rec, url).catch((e: unknown) => {
      // A bug in the emulator, not a simulated fault: say so loudly.
      console.error('dropbox emulator: internal error', e);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', Buffer.from('emulator bug'), {});
      rec.status = 500;
    });
  };

  const apiServer = await listen(createServer(listener('api')));
  const contentServer = await listen(createServer(listener('content')));
  const apiUrl = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}/`;
  const contentUrl = `http://127.0.0.1:${(contentServer.address() as AddressInfo).port}/`;

  return {
    apiUrl,
    contentUrl,
    authorizeUrl: `${apiUrl}oauth2/authorize`,
    appKey,
    appSecret,
    appRoot: rootNames.length ? `/${rootNames.join('/')}` : '',
    approve: (url) => ctx.oauth.approve(url),
    issueRefreshToken: (opts) => ctx.oauth.issueRefreshToken(opts?.pkce ?? true),
    get files() {
      return store
        .all()
        .filter((i) => i.kind === 'file')
        .map((i) => ({
          path: store.displayPath(i),
          id: i.id,
          size: i.content?.length ?? 0,
          contentHash: i.contentHash ?? '',
          rev: i.rev ?? '',
          clientModified: timestamp(i.clientModified),
          serverModified: timestamp(i.serverModified),
          content: Buffer.from(i.content ?? Buffer.alloc(0)),
          byHand: i.byHand,
        }));
    },
    tree: () =>
      store
        .all()
        .map((i) => `${store.displayPath(i).slice(1)}${i.kind === 'folder' ? '/' : ''}`)
        .sort(),
    requests,
    violations: ctx.violations,
    injectFault: (f) => ctx.faults.add(f),
    contendCommits: (n, retryAfterSeconds = 1) => lock.contend(n, retryAfterSeconds),
    seed: (item) => {
      const names = item.path.split('/').slice(1);
      const parent = store.ensureFolders(names.slice(0, -1));
      const name = names[names.length - 1]!;
      const lowerPath = `${parent}/${name.toLowerCase()}`;
      if (store.get(lowerPath)) throw new Error(`seed: ${item.path} exists`);
      if (item.content === undefined) store.addFolder(parent, name, true);
      else store.addFile(parent, name, Buffer.from(item.content), item.clientModified ?? now(), true);
    },
    editByHand: (path, change) => {
      const item = store.get(path.toLowerCase());
      if (item?.kind !== 'file') throw new Error(`editByHand: no file ${path}`);
      if ('remove' in change) store.remove(item);
      else store.replace(item, change.content, now());
    },
    close: async () => {
      await Promise.all([apiServer, contentServer].map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      })));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...headers });
  res.end(body);
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
