// A Microsoft Graph v1.0 (OneDrive) + Microsoft identity platform emulator for tests and the demo: an HTTP server
// on 127.0.0.1 that a client reaches by pointing its Graph base URL at `graphUrl` and its login URL at `loginUrl`.
// It aims to be faithful to Microsoft, not convenient for our client: real error bodies, real traps (PUT replaces
// by default, a session without an explicit conflictBehavior replaces, names compared without regard to case,
// short pages, upload URLs that are their own credential and die when the upload completes, refresh tokens that
// rotate), a throttle, a storage limit, injectable faults, and a record of every call that could destroy data.
//
// This file does the HTTP plumbing (auth, throttle, faults, records, routing); the API lives in the files it imports.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readBody, readBodyPrefix } from '../drive/http-util.js';
import { parseAddress, unknownSegment } from './address.js';
import type { Call, GraphContext, GraphSettings, Reply, Violation } from './context.js';
import { graphError, HttpError, invalidAuthenticationToken, stampGraphError, throttled } from './errors.js';
import { faultError, FaultQueue, type Fault, type FaultHandle, type FaultSpec, type RequestInfo } from './faults.js';
import { IdentityPlatform, MSA_TENANT_ID, type AccountType, type AppAudience, type DeviceCodeInfo } from './identity.js';
import { download, getContent, getDrive, getItem, getMe, listChildren } from './read.js';
import { UploadSessions, type SessionInfo } from './sessions.js';
import { DriveStore, type EmulatorItem, type StoredItem } from './store.js';
import { Throttle, type ThrottleOptions } from './throttle.js';
import { createFolder, deleteItem, putContent, updateItem } from './write.js';
import { mimeTypeFor } from './resource.js';

export type { Fault, FaultHandle, FaultMatch, FaultSpec, RequestInfo } from './faults.js';
export type { Violation, ViolationKind } from './context.js';
export type { EmulatorItem } from './store.js';
export type { AccountType, AppAudience, DeviceCodeInfo } from './identity.js';
export type { SessionInfo } from './sessions.js';
export type { ThrottleOptions } from './throttle.js';
export { MSA_TENANT_ID, DEVICE_CODE_GRANT } from './identity.js';
export { FRAGMENT_UNIT } from './sessions.js';
export { quickXorHash } from './quickXorHash.js';

export interface OneDriveEmulatorOptions {
  port?: number;
  /** Clock in epoch ms, for tokens, device codes, sessions and the throttle. Default Date.now. */
  now?: () => number;
  /** A personal drive (default) or OneDrive for Business: ids, hashes, name rules and the account's tenant differ. */
  driveType?: AccountType;
  clientId?: string;
  /** The app registration's display name: also the app folder's name under Apps/. Default "BaseLinker Backup". */
  appName?: string;
  /** Localised in the user's language on the real service ("Aplicativos"…). Default "Apps". */
  appsFolderName?: string;
  /** The registration's supported account types. Default both personal and work/school accounts. */
  appAudience?: AppAudience;
  /** The registration's "Allow public client flows". Default true; when off, the token endpoint wants a secret. */
  allowPublicClientFlows?: boolean;
  user?: { displayName?: string; userPrincipalName?: string };
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** How long a rotated-out refresh token still works. Default 600. */
  refreshGraceSeconds?: number;
  /** Default 90 (Microsoft's fixed lifetime). */
  refreshTokenLifetimeDays?: number;
  /** Default 900 and 5, as Microsoft answers. */
  deviceCodeTtlSeconds?: number;
  deviceCodeIntervalSeconds?: number;
  /** Polls of one code closer together than this get slow_down even inside the advertised interval. */
  minPollIntervalSeconds?: number;
  /** Default 250 MB (Graph's current simple-upload limit); larger bodies get 413. */
  simplePutMaxBytes?: number;
  /** Model the reports (msgraph-sdk-php #186) that a simple PUT replaces whatever conflictBehavior says. */
  simplePutIgnoresConflictBehavior?: boolean;
  storageQuotaBytes?: number;
  /** Children pages never hold more than this many items. Default 1000. */
  maxPageSize?: number;
  /** createUploadSession with fail does not check the name; the 409 comes at the commit (onedrive-api-docs #55). */
  lateConflictCheck?: boolean;
  /** An open session holds its name (OneDrive for Business, onedrive-api-docs #747). Default: business drives. */
  sessionHoldsName?: boolean;
  /** Default 24 hours. */
  sessionTtlMs?: number;
  /** Upload URLs refuse a request carrying Authorization, as the docs warn they may. */
  rejectAuthorizationOnUploadUrl?: boolean;
  /** A requests-per-window limit over Graph calls and upload URLs. */
  throttle?: ThrottleOptions;
}

/** One request as seen by the emulator. Secrets (tokens, codes, upload and download URLs) are never recorded. */
export interface RequestRecord {
  method: string;
  /** The URL path; an upload URL is "/up/[redacted]", a download URL "/download/[redacted]". */
  path: string;
  query: Record<string, string>;
  /** Whether an Authorization header came with it (never its value). */
  authorization: boolean;
  /** HTTP status answered; 0 when the connection was cut instead. */
  status: number;
  fault?: string;
  at: number;
}

/** Seeds a file or folder directly, as if the owner had made it in OneDrive. Missing folders on the way are made. */
export interface SeedItem {
  /** Below the drive's root, e.g. "Apps/BaseLinker Backup/2026/11/Invoices/FV_1.pdf". */
  path: string;
  /** Bytes for a file; leave out for a folder. */
  content?: Buffer | string;
}

export interface OneDriveEmulator {
  /** http://127.0.0.1:port/v1.0/ — the Graph base URL. */
  graphUrl: string;
  /** http://127.0.0.1:port/ — the login URL; the tenant and /oauth2/v2.0/… follow it. */
  loginUrl: string;
  clientId: string;
  driveId: string;
  /** The business account's tenant (a GUID); personal accounts belong to MSA_TENANT_ID. */
  tenantId: string;
  user: { id: string; displayName: string; userPrincipalName: string };
  /** Every item below the root, with its bytes, in creation order. */
  readonly files: EmulatorItem[];
  readonly requests: RequestRecord[];
  readonly violations: Violation[];
  /** Items as paths, sorted; folders end in "/". */
  tree(): string[];
  /** A refresh token as if the owner had signed in with these scopes. */
  issueRefreshToken(scope?: string): string;
  approveDeviceCode(userCode: string): void;
  declineDeviceCode(userCode: string): void;
  pendingDeviceCodes(): DeviceCodeInfo[];
  /** The scopes of every grant so far. */
  grantedScopes(): string[][];
  /** The owner removed the app's consent: refreshing answers invalid_grant AADSTS65001. */
  revokeConsent(): void;
  /** A password change: refreshing answers invalid_grant AADSTS50173. */
  revokeSessions(): void;
  uploadSessions(): SessionInfo[];
  injectFault(f: Fault): FaultHandle;
  seed(item: SeedItem): EmulatorItem;
  /**
   * What the owner does in OneDrive's own apps, not through the API, so never a violation: removes a file (to the
   * recycle bin, which the emulator does not keep), or gives it other bytes (a new version, same item id).
   */
  editByHand(path: string, change: { remove: true } | { content: Buffer }): void;
  close(): Promise<void>;
}

const GRAPH_PREFIX = '/v1.0/';
const IDENTITY_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/(token|devicecode)$/;

export async function startOneDriveEmulator(o: OneDriveEmulatorOptions = {}): Promise<OneDriveEmulator> {
  const now = o.now ?? Date.now;
  const driveType = o.driveType ?? 'personal';
  const clientId = o.clientId ?? randomUUID();
  const appName = o.appName ?? 'BaseLinker Backup';
  const store = new DriveStore(driveType, now);
  const tenantId = driveType === 'business' ? randomUUID() : MSA_TENANT_ID;
  const user = {
    id: driveType === 'personal' ? store.driveId : randomUUID(),
    displayName: o.user?.displayName ?? 'Backup Owner',
    userPrincipalName: o.user?.userPrincipalName ?? (driveType === 'personal' ? 'owner@outlook.com' : 'owner@contoso.onmicrosoft.com'),
  };
  const identity = new IdentityPlatform({
    clientId,
    appName,
    appAudience: o.appAudience ?? 'AzureADandPersonalMicrosoftAccount',
    accountType: driveType,
    tenantId,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 3600,
    refreshGraceSeconds: o.refreshGraceSeconds ?? 600,
    refreshTokenLifetimeDays: o.refreshTokenLifetimeDays ?? 90,
    deviceCodeTtlSeconds: o.deviceCodeTtlSeconds ?? 900,
    deviceCodeIntervalSeconds: o.deviceCodeIntervalSeconds ?? 5,
    minPollIntervalSeconds: o.minPollIntervalSeconds ?? 0,
    verificationUri: driveType === 'personal' ? 'https://www.microsoft.com/link' : 'https://microsoft.com/devicelogin',
    allowPublicClientFlows: o.allowPublicClientFlows ?? true,
    now,
  });
  const settings: GraphSettings = {
    appName,
    appsFolderName: o.appsFolderName ?? 'Apps',
    user,
    simplePutMaxBytes: o.simplePutMaxBytes ?? 250 * 1000 * 1000,
    simplePutIgnoresConflictBehavior: o.simplePutIgnoresConflictBehavior ?? false,
    storageQuotaBytes: o.storageQuotaBytes ?? Infinity,
    maxPageSize: o.maxPageSize ?? 1000,
    lateConflictCheck: o.lateConflictCheck ?? false,
    sessionHoldsName: o.sessionHoldsName ?? driveType === 'business',
    sessionTtlMs: o.sessionTtlMs ?? 24 * 3600 * 1000,
    rejectAuthorizationOnUploadUrl: o.rejectAuthorizationOnUploadUrl ?? false,
  };
  const faults = new FaultQueue();
  const violations: Violation[] = [];
  const requests: RequestRecord[] = [];
  const limiter = o.throttle ? new Throttle(o.throttle, now) : undefined;
  let baseUrl = '';
  const ctx: GraphContext = { store, identity, settings, now, faults, violations, downloads: new Map(), baseUrl: () => baseUrl };
  const sessions = new UploadSessions(ctx);

  /** Authenticated Graph calls, after the bearer token is checked. */
  const graph = (call: Call, info: RequestInfo): Reply => {
    const rest = call.path.slice(GRAPH_PREFIX.length);
    const { method } = call;
    if (rest === 'me' && method === 'GET') return getMe(ctx, call);
    if (rest === 'me/drive' && method === 'GET') return getDrive(ctx, call);
    if (!rest.startsWith('me/drive/')) throw unknownSegment(call.path);
    const a = parseAddress(rest.slice('me/drive/'.length));
    if (!a) throw unknownSegment(call.path);
    switch (`${method} ${a.action ?? ''}`) {
      case 'GET ':
        return getItem(ctx, call, a);
      case 'GET children': {
        const short = faults.take(info, (f) => f.kind === 'shortPage');
        return listChildren(ctx, call, a, short?.kind === 'shortPage' ? (short.size ?? 1) : undefined);
      }
      case 'GET content':
        return getContent(ctx, call, a);
      case 'POST children':
        return createFolder(ctx, call, a);
      case 'PUT content':
        return putContent(ctx, call, a);
      case 'POST createUploadSession':
        return sessions.create(call, a);
      case 'DELETE ':
        return deleteItem(ctx, call, a);
      case 'PATCH ':
        return updateItem(ctx, call, a);
      default:
        throw graphError(405, 'invalidRequest', `The method ${method} is not allowed on this resource.`);
    }
  };

  const handle = (req: IncomingMessage, info: RequestInfo, body: Buffer): Reply => {
    const { method, path } = info;
    const call: Call = { method, path, query: info.query, headers: req.headers, body, grant: undefined };
    const id = IDENTITY_PATH.exec(path);
    if (id && method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      const json = id[2] === 'token' ? identity.token(decodeURIComponent(id[1]!), form) : identity.deviceCode(decodeURIComponent(id[1]!), form);
      return { status: 200, json, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache', pragma: 'no-cache' } };
    }
    if (path.startsWith('/download/') && method === 'GET') return download(ctx, path.slice('/download/'.length));
    if (path.startsWith('/v1.0/') || path.startsWith('/up/')) {
      const wait = limiter?.admit();
      if (wait !== undefined) throw throttled(limiter!.status, String(wait));
    }
    if (path.startsWith('/up/')) {
      const sessionId = path.slice('/up/'.length);
      if (method === 'PUT') return sessions.put(call, sessionId);
      if (method === 'GET') return sessions.get(call, sessionId);
      if (method === 'DELETE') return sessions.cancel(call, sessionId);
      throw graphError(405, 'invalidRequest', `The method ${method} is not allowed on an upload URL.`);
    }
    if (!path.startsWith(GRAPH_PREFIX)) throw new HttpError(404, undefined);
    const auth = req.headers.authorization;
    const bearer = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
    if (!bearer) throw invalidAuthenticationToken('Access token is empty.');
    const grant = identity.checkAccessToken(bearer[1]!);
    if (grant === 'expired') throw invalidAuthenticationToken('Access token has expired or is not yet valid.');
    if (!grant) {
      throw invalidAuthenticationToken(driveType === 'personal' ? 'CompactToken parsing failed with error code: 80049217' : 'IDX14100: JWT is not well formed, there are no dots (.).');
    }
    call.grant = grant;
    return graph(call, info);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const info: RequestInfo = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams };
    const rec: RequestRecord = {
      method: info.method,
      path: info.path.replace(/^\/(up|download)\/.*/, '/$1/[redacted]'),
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization !== undefined,
      status: 0,
      at: now(),
    };
    requests.push(rec);
    void serve(req, res, info, rec).catch((e: unknown) => {
      // A bug in the emulator, not a simulated fault: say so loudly.
      console.error('onedrive emulator: internal error', e);
      if (!res.headersSent) res.writeHead(500).end();
      rec.status = 500;
    });
  });

  const serve = async (req: IncomingMessage, res: ServerResponse, info: RequestInfo, rec: RequestRecord) => {
    const fault = faults.take(info, (f: FaultSpec) => f.kind !== 'shortPage');
    if (fault) rec.fault = fault.kind;
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'resetMidUpload') {
      await readBodyPrefix(req, Math.max(1, fault.afterBytes ?? 1));
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    let reply: Reply | undefined;
    let error = fault ? faultError(fault, now()) : undefined;
    if (!error) {
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
    const requestId = randomUUID();
    const clientRequestId = req.headers['client-request-id'];
    const ids = { 'request-id': requestId, 'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId };
    const answer: Reply = error ? { status: error.status, json: stampGraphError(error.body, ids['request-id'], ids['client-request-id'], now()), headers: error.headers } : reply!;
    rec.status = answer.status;
    send(res, answer, ids);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    graphUrl: `${baseUrl}v1.0/`,
    loginUrl: baseUrl,
    clientId,
    driveId: store.driveId,
    tenantId,
    user,
    get files() {
      return store.all().map((i) => store.snapshot(i));
    },
    requests,
    violations,
    tree: () => store.tree(),
    issueRefreshToken: (scope = 'Files.ReadWrite.AppFolder User.Read offline_access') => identity.issueRefreshToken(scope),
    approveDeviceCode: (code) => identity.approve(code),
    declineDeviceCode: (code) => identity.decline(code),
    pendingDeviceCodes: () => identity.pendingDeviceCodes(),
    grantedScopes: () => identity.grantedScopes(),
    revokeConsent: () => identity.revokeConsent(),
    revokeSessions: () => identity.revokeSessions(),
    uploadSessions: () => sessions.info(),
    injectFault: (f) => faults.add(f),
    seed: (s) => store.snapshot(seed(store, s)),
    editByHand(path, change) {
      const item = store.all().find((i) => store.path(i) === path && i.content);
      if (!item) throw new Error(`editByHand: no file ${path}`);
      if ('remove' in change) store.delete(item.id);
      else store.replaceContent(item, change.content, mimeTypeFor(item.name));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function seed(store: DriveStore, s: SeedItem): StoredItem {
  const names = s.path.split('/').filter(Boolean);
  if (names.length === 0) throw new Error('seed: empty path');
  let cur = store.root();
  for (const [i, name] of names.entries()) {
    const last = i === names.length - 1;
    const existing = store.child(cur.id, name);
    if (last && s.content !== undefined) {
      if (existing) throw new Error(`seed: ${s.path} exists`);
      return store.createFile(cur, name, Buffer.from(s.content), mimeTypeFor(name), true);
    }
    if (existing && existing.content) throw new Error(`seed: a file stands at ${names.slice(0, i + 1).join('/')}`);
    cur = existing ?? store.createFolder(cur, name, true);
  }
  return cur;
}

function send(res: ServerResponse, r: Reply, ids: Record<string, string>): void {
  const headers: Record<string, string | number> = { ...ids, ...r.headers };
  if (r.json !== undefined) {
    const text = JSON.stringify(r.json);
    headers['content-type'] ??= r.status < 400 ? 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8' : 'application/json';
    headers['content-length'] = Buffer.byteLength(text);
    res.writeHead(r.status, headers).end(text);
  } else if (r.bytes !== undefined) {
    headers['content-length'] = r.bytes.length;
    res.writeHead(r.status, headers).end(r.bytes);
  } else {
    headers['content-length'] = 0;
    res.writeHead(r.status, headers).end();
  }
}

