// What every Drive handler shares: the store, the caller's grant, and the helpers that decide what the caller may
// see and how a file is rendered. Visibility is where the emulator is strict on purpose: a drive.file token sees
// only the app's own files, and shared-drive items are "not found" unless the call says supportsAllDrives=true.
import type { IncomingHttpHeaders } from 'node:http';
import { notFound } from './errors.js';
import { applySelection, parseFields, type Schema } from './fields.js';
import type { FaultQueue } from './faults.js';
import type { AccessGrant } from './oauth.js';
import { DEFAULT_FILE_FIELDS, FILE_FIELDS, fileResource } from './resource.js';
import type { DriveStore, StoredFile } from './store.js';

export interface UserInfo {
  email: string;
  name: string;
  permissionId: string;
}

export type ForbiddenKind = 'delete' | 'emptyTrash' | 'trash' | 'untrash' | 'update' | 'updateContent';

/** A call that could destroy or overwrite data. The backup must never make one; tests assert the list is empty. */
export interface ForbiddenCall {
  kind: ForbiddenKind;
  method: string;
  path: string;
  fileId?: string;
  at: number;
}

export interface DriveContext {
  store: DriveStore;
  user: UserInfo;
  now: () => number;
  listLagMs: number;
  storageLimitBytes: number;
  faults: FaultQueue;
  forbidden: ForbiddenCall[];
  /** Base URL (with trailing slash) used to build resumable session URIs. */
  rootUrl: () => string;
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Undefined only for resumable session URIs, which need no Authorization. */
  grant: AccessGrant | undefined;
}

/** A handler's answer: JSON (object), raw bytes (Buffer), or no body. */
export interface Reply {
  status: number;
  json?: unknown;
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export const FILE_SCHEMA: Schema = { keys: FILE_FIELDS };

export function canSee(ctx: DriveContext, call: Call, f: StoredFile): boolean {
  if (call.grant?.appFilesOnly && !f.createdByApp && !ctx.store.isRoot(f)) return false;
  if (f.driveId !== undefined && call.query.get('supportsAllDrives') !== 'true' && call.query.get('supportsTeamDrives') !== 'true') {
    return false;
  }
  return true;
}

/** Looks an id up as the caller would see it; anything invisible is a plain 404, as on Drive. */
export function fileFor(ctx: DriveContext, call: Call, id: string): StoredFile {
  const f = ctx.store.get(id);
  if (!f || !canSee(ctx, call, f)) throw notFound(id);
  return f;
}

/** A file as JSON, cut down by the call's `fields` (kind,id,name,mimeType when absent). */
export function renderFile(ctx: DriveContext, call: Call, f: StoredFile): unknown {
  const fields = call.query.get('fields') || DEFAULT_FILE_FIELDS;
  const sel = parseFields(fields, FILE_SCHEMA);
  return applySelection(fileResource(ctx.store, f, ctx.user), sel);
}

export function record(ctx: DriveContext, call: Call, kind: ForbiddenKind, fileId?: string): void {
  const entry: ForbiddenCall = { kind, method: call.method, path: call.path, at: ctx.now() };
  if (fileId !== undefined) entry.fileId = fileId;
  ctx.forbidden.push(entry);
}
