// What every route handler shares, and the record of calls that destroy or replace data.
import type { FaultQueue, Host } from './faults.js';
import type { NamespaceLock } from './limits.js';
import type { AppView } from './metadata.js';
import type { DropboxOAuth } from './oauth.js';
import type { Sessions } from './sessions.js';
import type { Fail } from './stone.js';
import type { NamespaceStore } from './store.js';

export type ViolationKind =
  | 'delete'
  | 'delete_v2'
  | 'delete_batch'
  | 'permanently_delete'
  | 'move'
  | 'move_v2'
  | 'copy_onto_existing'
  | 'overwrite'
  | 'update';

/**
 * A call the backup must never make. Deletes, moves and copies onto an existing path are recorded whenever they
 * are called (and carried out as Dropbox would: `performed` says whether anything changed); a commit in mode
 * overwrite or update only when it replaced a file's content.
 */
export interface Violation {
  kind: ViolationKind;
  route: string;
  /** Real path of what was (or would have been) destroyed or replaced. */
  path: string;
  performed: boolean;
  at: number;
}

export interface Account {
  accountId: string;
  email: string;
  displayName: string;
}

export interface DropboxContext {
  store: NamespaceStore;
  view: AppView;
  /** The names of the app's root below the real root: ["Apps", "<app name>"] for an App folder, [] for Full Dropbox. */
  rootNames: readonly string[];
  sessions: Sessions;
  oauth: DropboxOAuth;
  lock: NamespaceLock;
  faults: FaultQueue;
  violations: Violation[];
  account: Account;
  storageLimitBytes: number;
  /** One request's body: 150 MiB on Dropbox. */
  maxRequestBytes: number;
  now: () => number;
}

/** One decoded API call. */
export interface Call {
  route: string;
  host: Host;
  /** The argument as decoded JSON (null for routes that take none). */
  arg: unknown;
  body: Buffer;
  accessToken: string;
  /** Refuses the argument with Dropbox's 400 text, naming where it came from. */
  fail: Fail;
}

/** A handler's answer: JSON, or (downloads) bytes with the result in the Dropbox-API-Result header. */
export interface Reply {
  json?: unknown;
  bytes?: Buffer;
  result?: unknown;
}

export function record(ctx: DropboxContext, kind: ViolationKind, route: string, path: string, performed: boolean): void {
  ctx.violations.push({ kind, route, path, performed, at: ctx.now() });
}
