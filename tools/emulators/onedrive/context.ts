// What every Graph handler shares: the drive, the identity platform, the options, the caller's grant, and the
// record of calls that could destroy data. Access is where the emulator is strict on purpose: a token holding
// only Files.ReadWrite.AppFolder reaches the app's folder and nothing else, as Microsoft documents it.
import type { Call as DriveCall } from '../drive/context.js';
import { accessDenied } from './errors.js';
import type { FaultQueue } from './faults.js';
import type { AccessGrant, IdentityPlatform } from './identity.js';
import type { DriveStore, StoredItem } from './store.js';

export interface GraphSettings {
  appName: string;
  appsFolderName: string;
  user: { id: string; displayName: string; userPrincipalName: string };
  simplePutMaxBytes: number;
  simplePutIgnoresConflictBehavior: boolean;
  storageQuotaBytes: number;
  /** Children pages never hold more than this, whatever $top asks. */
  maxPageSize: number;
  /** createUploadSession with "fail" does not look at the name; the 409 comes when the last fragment commits. */
  lateConflictCheck: boolean;
  /** An open session holds its name: a second createUploadSession for it gets 409 (OneDrive for Business). */
  sessionHoldsName: boolean;
  sessionTtlMs: number;
  /** Upload URLs answer 401 when the request carries an Authorization header. */
  rejectAuthorizationOnUploadUrl: boolean;
}

/** A call that could destroy, overwrite or duplicate data. The backup must never make one. */
export type ViolationKind = 'replace' | 'conflictRename' | 'delete' | 'update' | 'cancelUpload';

export interface Violation {
  kind: ViolationKind;
  method: string;
  /** Where the item is (or was) below the drive's root. */
  itemPath: string;
  at: number;
}

export interface GraphContext {
  store: DriveStore;
  identity: IdentityPlatform;
  settings: GraphSettings;
  now: () => number;
  faults: FaultQueue;
  violations: Violation[];
  /** Pre-authenticated download tokens → item ids. */
  downloads: Map<string, string>;
  /** Base URL with a trailing slash, e.g. "http://127.0.0.1:4321/". */
  baseUrl: () => string;
}

/**
 * A request as handlers see it, shaped as in the Drive emulator (its path still percent-encoded), with Graph's
 * grant: undefined only for upload URLs and downloads, which need no Authorization.
 */
export type Call = Omit<DriveCall, 'grant'> & { grant: AccessGrant | undefined };

/** A handler's answer (JSON, raw bytes, or no body), as in the Drive emulator. */
export type { Reply } from '../drive/context.js';

const FULL_DRIVE_SCOPES = ['Files.Read', 'Files.ReadWrite', 'Files.Read.All', 'Files.ReadWrite.All'];
const WRITE_SCOPES = ['Files.ReadWrite', 'Files.ReadWrite.All', 'Files.ReadWrite.AppFolder'];

/**
 * Refuses (403 accessDenied) what the caller's token cannot reach. Files.ReadWrite.AppFolder alone reaches only the
 * app folder and what lies below it, and on a business drive nothing at all: Microsoft's app-folder page says
 * business accounts do not support the scope (onedrive-api-docs#1474).
 */
export function checkAccess(ctx: GraphContext, call: Call, item: StoredItem, write: boolean): void {
  const scopes = call.grant?.scopes ?? new Set<string>();
  const full = FULL_DRIVE_SCOPES.some((s) => scopes.has(s));
  if (!full) {
    const approot = ctx.store.approot();
    const appFolderOnly = scopes.has('Files.ReadWrite.AppFolder') && ctx.store.driveType === 'personal';
    if (!appFolderOnly || !approot || !ctx.store.isWithin(item, approot.id)) throw accessDenied();
  }
  if (write && !WRITE_SCOPES.some((s) => scopes.has(s))) throw accessDenied();
}

export function canReachAppFolder(ctx: GraphContext, call: Call): boolean {
  const scopes = call.grant?.scopes ?? new Set<string>();
  if (FULL_DRIVE_SCOPES.some((s) => scopes.has(s))) return true;
  return scopes.has('Files.ReadWrite.AppFolder') && ctx.store.driveType === 'personal';
}

export function record(ctx: GraphContext, call: Call, kind: ViolationKind, item: StoredItem): void {
  ctx.violations.push({ kind, method: call.method, itemPath: ctx.store.path(item), at: ctx.now() });
}

/** A request header's first value. */
export function header(call: Call, name: string): string | undefined {
  const v = call.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
