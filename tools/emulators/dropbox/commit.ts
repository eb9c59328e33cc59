// Committing a file (files/upload, upload_session/finish, finish_batch): CommitInfo and WriteMode as files.stone
// defines them.
//  - A path that names nothing: the file is written, parents made implicitly.
//  - A folder there: always a conflict.
//  - A file with identical contents: nothing is written, no conflict; the existing file's metadata comes back
//    unchanged (client_modified included: "if you upload the exact same data to a given path, Dropbox won't update
//    the metadata", Dropbox staff in dropbox-sdk-obj-c#15). strict_conflict makes even this a conflict.
//  - A different file: add is a conflict; overwrite replaces it; update replaces it if the rev matches, else
//    conflicts. autorename turns a conflict into a new name ("doc (1).txt"; for update "doc (conflicted copy).txt").
// A replacement is recorded as a violation. The quota is checked before anything is written.
import { contentHash } from './contentHash.js';
import { record, type Call, type DropboxContext } from './context.js';
import { WriteFailure, writeConflict } from './errors.js';
import { PATTERNS } from './paths.js';
import { freeName, writeTarget } from './resolve.js';
import { ArgReader, TIMESTAMP_PATTERN, tagged, type Union } from './stone.js';
import { parentOf, type StoredItem } from './store.js';

export interface CommitInfo {
  path: string;
  mode: Union;
  autorename: boolean;
  clientModified: number | undefined;
  mute: boolean;
  strictConflict: boolean;
}

const WRITE_MODE = { add: 'void', overwrite: 'void', update: 'string' } as const;

/** Reads CommitInfo's fields from a reader (UploadArg extends CommitInfo, so its fields sit at the same level). */
export function readCommitInfo(r: ArgReader): CommitInfo {
  const path = r.requiredString('path', { pattern: PATTERNS.writeOrId });
  const mode = r.union('mode', WRITE_MODE, tagged('add'))!;
  const autorename = r.bool('autorename', false);
  const modified = r.string('client_modified', { optional: true, nullable: true, pattern: TIMESTAMP_PATTERN });
  const mute = r.bool('mute', false);
  const groups = r.list('property_groups', { optional: true });
  if (groups && groups.length > 0) r.fail('property_groups: file properties are not emulated');
  const strictConflict = r.bool('strict_conflict', false);
  return { path, mode, autorename, clientModified: modified === undefined ? undefined : Date.parse(modified), mute, strictConflict };
}

/** Commits bytes to the path, returning the file now there, or throws WriteFailure. */
export function commitFile(ctx: DropboxContext, call: Call, info: CommitInfo, bytes: Buffer): StoredItem {
  const target = writeTarget(ctx, call, info.path);
  const name = target.names[target.names.length - 1]!;
  const parentLower = parentOf(target.lowerPath);
  assertNoFileAncestor(ctx, parentLower);
  const existing = target.item;
  const clientModified = info.clientModified ?? ctx.now();
  const mode = info.mode['.tag'];

  if (existing?.kind === 'folder') return renameOrConflict(ctx, info, 'folder', parentLower, name, bytes, clientModified);
  if (existing) {
    const identical = existing.contentHash === contentHash(bytes);
    if (identical && !info.strictConflict) return existing;
    if (mode === 'add' || identical) return renameOrConflict(ctx, info, 'file', parentLower, name, bytes, clientModified);
    if (mode === 'update' && info.mode['update'] !== existing.rev) {
      return renameOrConflict(ctx, info, 'file', parentLower, name, bytes, clientModified, (n) => (n === 1 ? ' (conflicted copy)' : ` (conflicted copy ${n})`));
    }
    checkQuota(ctx, bytes.length - (existing.content?.length ?? 0));
    ctx.store.replace(existing, bytes, clientModified);
    record(ctx, mode === 'update' ? 'update' : 'overwrite', call.route, ctx.store.displayPath(existing), true);
    return existing;
  }
  if (mode === 'update' && info.strictConflict) throw writeConflict('file');
  return write(ctx, target.names, name, bytes, clientModified);
}

function renameOrConflict(
  ctx: DropboxContext,
  info: CommitInfo,
  what: 'file' | 'folder',
  parentLower: string,
  name: string,
  bytes: Buffer,
  clientModified: number,
  mark?: (n: number) => string,
): StoredItem {
  if (!info.autorename) throw writeConflict(what);
  const free = freeName(ctx, parentLower, name, mark);
  checkQuota(ctx, bytes.length);
  return ctx.store.addFile(parentLower, free, bytes, clientModified);
}

function write(ctx: DropboxContext, names: readonly string[], name: string, bytes: Buffer, clientModified: number): StoredItem {
  checkQuota(ctx, bytes.length);
  const parentLower = ctx.store.ensureFolders([...ctx.rootNames, ...names.slice(0, -1)]);
  return ctx.store.addFile(parentLower, name, bytes, clientModified);
}

/** A file where a parent folder would have to be. */
export function assertNoFileAncestor(ctx: DropboxContext, parentLower: string): void {
  for (let p = parentLower; p !== ''; p = parentOf(p)) {
    if (ctx.store.get(p)?.kind === 'file') throw writeConflict('file_ancestor');
  }
}

export function checkQuota(ctx: DropboxContext, moreBytes: number): void {
  if (moreBytes > 0 && ctx.store.usedBytes() + moreBytes > ctx.storageLimitBytes) throw new WriteFailure(tagged('insufficient_space'));
}
