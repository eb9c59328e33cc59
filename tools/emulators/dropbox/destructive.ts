// The routes a backup must never call: delete, delete_v2, delete_batch, permanently_delete, move, move_v2, and copy
// (copy_v2) onto a path that is taken. Each is carried out as Dropbox would and recorded in `violations`, so a test
// that lets one through sees both the damage and the record.
import { assertNoFileAncestor } from './commit.js';
import { record, type Call, type DropboxContext, type Reply, type ViolationKind } from './context.js';
import { routeError, WriteFailure, writeConflict } from './errors.js';
import { metadata } from './metadata.js';
import { PATTERNS } from './paths.js';
import { existing, freeName, LookupFailure, readTarget, writeTarget } from './resolve.js';
import { ArgReader, tagged, type Union } from './stone.js';
import { parentOf, type StoredItem } from './store.js';

/** Deletes one path; the answer's metadata is the item as it was. Failures are DeleteError unions. */
function deleteOne(ctx: DropboxContext, call: Call, arg: unknown, kind: ViolationKind, prefix = ''): Record<string, unknown> {
  const r = ArgReader.of(arg, call.fail, prefix);
  const path = r.requiredString('path', { pattern: PATTERNS.writeOrId });
  const parentRev = r.string('parent_rev', { optional: true, nullable: true });
  r.done();
  let item: StoredItem;
  try {
    item = existing(readTarget(ctx, call, path, false));
  } catch (e) {
    record(ctx, kind, call.route, path, false);
    if (e instanceof LookupFailure) throw new DeleteFailure(tagged('path_lookup', { path_lookup: e.error }));
    throw e;
  }
  const shown = metadata(ctx.store, ctx.view, item);
  const real = ctx.store.displayPath(item);
  if (parentRev !== undefined && parentRev !== item.rev) {
    record(ctx, kind, call.route, real, false);
    throw new DeleteFailure(tagged('path_write', { path_write: tagged('conflict', { conflict: tagged('file') }) }));
  }
  ctx.store.remove(item);
  record(ctx, kind, call.route, real, true);
  return shown;
}

class DeleteFailure extends Error {
  constructor(readonly error: Union) {
    super(`delete failed: ${error['.tag']}`);
  }
}

async function asRouteError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DeleteFailure || e instanceof RelocationFailure) throw routeError(e.error);
    throw e;
  }
}

/** files/delete (Metadata) and files/delete_v2 ({metadata}). */
export function deletePath(ctx: DropboxContext, call: Call, v2: boolean): Promise<Reply> {
  return asRouteError(async () => {
    const shown = await ctx.lock.commit(() => deleteOne(ctx, call, call.arg, v2 ? 'delete_v2' : 'delete'));
    return { json: v2 ? { metadata: shown } : shown };
  });
}

/** files/delete_batch, completed at once: {".tag": "complete", entries: [success {metadata} | failure DeleteError]}. */
export async function deleteBatch(ctx: DropboxContext, call: Call): Promise<Reply> {
  const r = ArgReader.of(call.arg, call.fail);
  const entries = r.list('entries', { maxItems: 1000 });
  r.done();
  const results = await ctx.lock.commit(() =>
    entries.map((e, i) => {
      try {
        return { '.tag': 'success', metadata: deleteOne(ctx, call, e, 'delete_batch', `entries[${i}].`) };
      } catch (err) {
        if (err instanceof DeleteFailure) return { '.tag': 'failure', failure: err.error };
        throw err;
      }
    }),
  );
  return { json: { '.tag': 'complete', entries: results } };
}

/** files/permanently_delete: gone, and no longer listed as deleted either. */
export function permanentlyDelete(ctx: DropboxContext, call: Call): Promise<Reply> {
  return asRouteError(async () => {
    await ctx.lock.commit(() => {
      const before = ctx.store.deleted.size;
      deleteOne(ctx, call, call.arg, 'permanently_delete');
      const gone = [...ctx.store.deleted.keys()].slice(before);
      for (const key of gone) ctx.store.deleted.delete(key);
    });
    return { json: null };
  });
}

class RelocationFailure extends Error {
  constructor(readonly error: Union) {
    super(`relocation failed: ${error['.tag']}`);
  }
}

/** A RelocationArg: where from, where to, and where the new item's parent is. */
function relocation(ctx: DropboxContext, call: Call): { from: StoredItem; toParentNames: string[]; toName: string; toLower: string; taken: StoredItem | undefined; autorename: boolean } {
  const r = ArgReader.of(call.arg, call.fail);
  const fromPath = r.requiredString('from_path', { pattern: PATTERNS.writeOrId });
  const toPath = r.requiredString('to_path', { pattern: PATTERNS.writeOrId });
  r.bool('allow_shared_folder', false);
  const autorename = r.bool('autorename', false);
  r.bool('allow_ownership_transfer', false);
  r.done();
  let from: StoredItem;
  try {
    from = existing(readTarget(ctx, call, fromPath, false, 'from_path'));
  } catch (e) {
    if (e instanceof LookupFailure) throw new RelocationFailure(tagged('from_lookup', { from_lookup: e.error }));
    throw e;
  }
  try {
    const to = writeTarget(ctx, call, toPath, 'to_path');
    assertNoFileAncestor(ctx, parentOf(to.lowerPath));
    return { from, toParentNames: to.names.slice(0, -1), toName: to.names[to.names.length - 1]!, toLower: to.lowerPath, taken: to.item, autorename };
  } catch (e) {
    if (e instanceof WriteFailure) throw new RelocationFailure(tagged('to', { to: e.error }));
    throw e;
  }
}

/** The free name to relocate to, or the conflict (RelocationError.to) when the path is taken and no autorename. */
function destination(ctx: DropboxContext, rel: ReturnType<typeof relocation>): { name: string } {
  if (!rel.taken) return { name: rel.toName };
  if (!rel.autorename) throw new RelocationFailure(tagged('to', { to: writeConflict(rel.taken.kind).error }));
  return { name: freeName(ctx, parentOf(rel.toLower), rel.toName) };
}

/** files/move (Metadata) and files/move_v2 ({metadata}). Every call is recorded, whether or not it moved anything. */
export function move(ctx: DropboxContext, call: Call, v2: boolean): Promise<Reply> {
  return asRouteError(async () => {
    const kind = v2 ? 'move_v2' : 'move';
    const moved = await ctx.lock.commit(() => {
      let rel: ReturnType<typeof relocation>;
      try {
        rel = relocation(ctx, call);
      } catch (e) {
        record(ctx, kind, call.route, String((call.arg as { from_path?: unknown })?.from_path ?? ''), false);
        throw e;
      }
      const real = ctx.store.displayPath(rel.from);
      try {
        const to = destination(ctx, rel);
        ctx.store.move(rel.from, ctx.store.ensureFolders([...ctx.rootNames, ...rel.toParentNames]), to.name);
      } catch (e) {
        record(ctx, kind, call.route, real, false);
        throw e;
      }
      record(ctx, kind, call.route, real, true);
      return rel.from;
    });
    const shown = metadata(ctx.store, ctx.view, moved);
    return { json: v2 ? { metadata: shown } : shown };
  });
}

function copyItem(ctx: DropboxContext, item: StoredItem, parentLower: string, name: string): StoredItem {
  if (item.kind === 'file') return ctx.store.addFile(parentLower, name, item.content ?? Buffer.alloc(0), item.clientModified);
  const copy = ctx.store.addFolder(parentLower, name);
  for (const child of ctx.store.children(item.lowerPath)) copyItem(ctx, child, copy.lowerPath, child.name);
  return copy;
}

/** files/copy (Metadata) and files/copy_v2 ({metadata}). Onto a taken path it is refused, and recorded. */
export function copy(ctx: DropboxContext, call: Call, v2: boolean): Promise<Reply> {
  return asRouteError(async () => {
    const made = await ctx.lock.commit(() => {
      const rel = relocation(ctx, call);
      if (rel.taken && !rel.autorename) record(ctx, 'copy_onto_existing', call.route, ctx.store.displayPath(rel.taken), false);
      const to = destination(ctx, rel);
      return copyItem(ctx, rel.from, ctx.store.ensureFolders([...ctx.rootNames, ...rel.toParentNames]), to.name);
    });
    const shown = metadata(ctx.store, ctx.view, made);
    return { json: v2 ? { metadata: shown } : shown };
  });
}
