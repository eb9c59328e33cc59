// Reading and folders: get_metadata, list_folder(/continue), download, create_folder(_v2).
//
// list_folder: a recursive listing starts with the listed folder itself (not for the root), then everything below in
// the order it was made; "limit" is approximate and a page may be shorter (the shortPage fault). A cursor stays
// valid: once a listing is used up, list_folder/continue on its last cursor returns what changed since (new and
// changed items, and deletions as DeletedMetadata), which is how Dropbox cursors work.
import { randomBytes } from 'node:crypto';
import { assertNoFileAncestor } from './commit.js';
import type { Call, DropboxContext, Reply } from './context.js';
import { badArg, routeError, WriteFailure, writeConflict } from './errors.js';
import { deletedMetadata, fileMetadata, folderMetadata, metadata } from './metadata.js';
import { PATTERNS } from './paths.js';
import { existing, freeName, LookupFailure, readTarget, writeTarget } from './resolve.js';
import { ArgReader, tagged } from './stone.js';
import { parentOf, type StoredItem } from './store.js';

/** Wraps a LookupError in the route's own union, which names it "path". */
function lookupPath<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof LookupFailure) throw routeError(tagged('path', { path: e.error }));
    throw e;
  }
}

export function getMetadata(ctx: DropboxContext, call: Call): Reply {
  const r = ArgReader.of(call.arg, call.fail);
  const path = r.requiredString('path', { pattern: PATTERNS.read });
  r.bool('include_media_info', false);
  const includeDeleted = r.bool('include_deleted', false);
  r.bool('include_has_explicit_shared_members', false);
  r.done();
  return lookupPath(() => {
    const target = readTarget(ctx, call, path, false);
    if (!target.item && includeDeleted) {
      const gone = ctx.store.deleted.get(target.lowerPath);
      if (gone) return { json: deletedMetadata(ctx.store, ctx.view, gone) };
    }
    return { json: metadata(ctx.store, ctx.view, existing(target)) };
  });
}

export function download(ctx: DropboxContext, call: Call): Reply {
  const r = ArgReader.of(call.arg, call.fail);
  const path = r.requiredString('path', { pattern: PATTERNS.read });
  r.string('rev', { optional: true, nullable: true });
  r.done();
  return lookupPath(() => {
    const item = existing(readTarget(ctx, call, path, false));
    if (item.kind !== 'file') throw new LookupFailure(tagged('not_file'));
    return { bytes: item.content ?? Buffer.alloc(0), result: fileMetadata(ctx.store, ctx.view, item) };
  });
}

/** create_folder_v2 answers {metadata}; the deprecated create_folder answers the FolderMetadata itself. */
export async function createFolder(ctx: DropboxContext, call: Call, v2: boolean): Promise<Reply> {
  const r = ArgReader.of(call.arg, call.fail);
  const path = r.requiredString('path', { pattern: PATTERNS.write });
  const autorename = r.bool('autorename', false);
  r.done();
  try {
    const made = await ctx.lock.commit(() => {
      const target = writeTarget(ctx, call, path);
      const parentLower = parentOf(target.lowerPath);
      assertNoFileAncestor(ctx, parentLower);
      let name = target.names[target.names.length - 1]!;
      if (target.item) {
        if (!autorename) throw writeConflict(target.item.kind);
        name = freeName(ctx, parentLower, name);
      }
      const parent = ctx.store.ensureFolders([...ctx.rootNames, ...target.names.slice(0, -1)]);
      return ctx.store.addFolder(parent, name);
    });
    const folder = folderMetadata(ctx.store, ctx.view, made);
    return { json: v2 ? { metadata: folder } : folder };
  } catch (e) {
    if (e instanceof WriteFailure) throw routeError(tagged('path', { path: e.error }));
    throw e;
  }
}

interface Listing {
  scopeLower: string;
  recursive: boolean;
  pages: Record<string, unknown>[];
  pageSize: number;
  /** The store's sequence when the listing (or its last change feed) was taken. */
  since: number;
}

const DEFAULT_PAGE = 2000;

export class Listings {
  private readonly cursors = new Map<string, { listing: Listing; offset: number }>();

  list(ctx: DropboxContext, call: Call): Reply {
    const r = ArgReader.of(call.arg, call.fail);
    const path = r.requiredString('path', { pattern: PATTERNS.listOrId });
    const recursive = r.bool('recursive', false);
    r.bool('include_media_info', false);
    const includeDeleted = r.bool('include_deleted', false);
    r.bool('include_has_explicit_shared_members', false);
    r.bool('include_mounted_folders', true);
    const limit = r.uint('limit', { optional: true, nullable: true, min: 1, max: 2000 });
    r.bool('include_non_downloadable_files', true);
    r.bool('include_restorable_info', false);
    r.done();
    return lookupPath(() => {
      const target = readTarget(ctx, call, path, true);
      // The root lists its contents only; a named folder also lists itself first when recursive.
      const folder = target.names.length === 0 ? undefined : existing(target);
      if (folder && folder.kind !== 'folder') throw new LookupFailure(tagged('not_folder'));
      const items: StoredItem[] = recursive ? ctx.store.below(target.lowerPath) : ctx.store.children(target.lowerPath);
      const entries = [
        ...(recursive && folder ? [metadata(ctx.store, ctx.view, folder)] : []),
        ...items.map((i) => metadata(ctx.store, ctx.view, i)),
        ...(includeDeleted ? this.deletedIn(ctx, target.lowerPath, recursive, -1) : []),
      ];
      const listing: Listing = { scopeLower: target.lowerPath, recursive, pages: entries, pageSize: limit ?? DEFAULT_PAGE, since: ctx.store.sequence };
      return this.page(ctx, call, listing, 0);
    });
  }

  continue(ctx: DropboxContext, call: Call): Reply {
    const r = ArgReader.of(call.arg, call.fail);
    const cursor = r.requiredString('cursor', { minLength: 1 });
    r.done();
    const at = this.cursors.get(cursor);
    if (!at) throw badArg(call.route, 'request body', `cursor: invalid cursor`);
    if (!ctx.store.get(at.listing.scopeLower) && at.listing.scopeLower !== ctx.view.rootLower) throw routeError(tagged('path', { path: tagged('not_found') }));
    let { listing, offset } = at;
    if (offset >= listing.pages.length) {
      listing = { ...listing, pages: this.changes(ctx, listing), since: ctx.store.sequence };
      offset = 0;
    }
    return this.page(ctx, call, listing, offset);
  }

  private page(ctx: DropboxContext, call: Call, listing: Listing, offset: number): Reply {
    const short = ctx.faults.takeKind({ host: call.host, method: 'POST', route: call.route }, ['shortPage']);
    const size = short ? 1 : listing.pageSize;
    const entries = listing.pages.slice(offset, offset + size);
    const next = offset + entries.length;
    const cursor = randomBytes(30).toString('base64url');
    this.cursors.set(cursor, { listing, offset: next });
    return { json: { entries, cursor, has_more: next < listing.pages.length } };
  }

  private inScope(listing: { scopeLower: string; recursive: boolean }, lowerPath: string): boolean {
    return listing.recursive ? lowerPath.startsWith(`${listing.scopeLower}/`) : parentOf(lowerPath) === listing.scopeLower;
  }

  private deletedIn(ctx: DropboxContext, scopeLower: string, recursive: boolean, since: number): Record<string, unknown>[] {
    return [...ctx.store.deleted.values()]
      .filter((d) => d.seq > since && this.inScope({ scopeLower, recursive }, d.lowerPath))
      .sort((a, b) => a.seq - b.seq)
      .map((d) => deletedMetadata(ctx.store, ctx.view, d));
  }

  private changes(ctx: DropboxContext, listing: Listing): Record<string, unknown>[] {
    const changed = ctx.store.all().filter((i) => i.seq > listing.since && this.inScope(listing, i.lowerPath));
    return [...this.deletedIn(ctx, listing.scopeLower, listing.recursive, listing.since), ...changed.sort((a, b) => a.seq - b.seq).map((i) => metadata(ctx.store, ctx.view, i))];
  }
}
