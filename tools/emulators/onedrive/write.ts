// Graph's writes. What a backup must never do is done here as Graph does it, and recorded: a replace (the default
// of PUT …/content), a conflictBehavior=rename (a second copy under "name 1"), a DELETE, a PATCH (rename/move).
//   POST …/children        {"name", "folder": {}, "@microsoft.graph.conflictBehavior"}: default fail → 409
//   PUT …:/{path}:/content  the bytes; ?@microsoft.graph.conflictBehavior=fail|replace|rename, default replace; the
//                           path form makes missing folders on the way (onedrive-api-docs #82/#83)
//   PUT items/{id}/content  replaces that file's bytes
import { resolveBase, resolveItem, walk, type Address } from './address.js';
import { checkAccess, record, type Call, type GraphContext, type Reply } from './context.js';
import { graphError, insufficientStorage, invalidRequest, itemNotFound, nameAlreadyExists } from './errors.js';
import { nameError, pathTooLong } from './names.js';
import { mimeTypeFor, renderItem } from './resource.js';
import type { StoredItem } from './store.js';

export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export function conflictBehavior(raw: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (raw === undefined || raw === null) return fallback;
  if (raw === 'fail' || raw === 'replace' || raw === 'rename') return raw;
  throw invalidRequest(`Invalid value '${String(raw)}' for @microsoft.graph.conflictBehavior.`);
}

/** A new item's name and full path, checked as Graph checks them. */
export function checkNewName(ctx: GraphContext, parent: StoredItem, name: string): void {
  const refused = nameError(name, { business: ctx.store.driveType === 'business' }) ?? pathTooLong(joinPath(ctx.store.path(parent), name));
  if (refused) throw refused;
}

function joinPath(parentPath: string, name: string): string {
  return parentPath === '' ? name : `${parentPath}/${name}`;
}

/** 507 when storing `adding` bytes (in place of `freeing`) would pass the storage limit. */
export function checkQuota(ctx: GraphContext, adding: number, freeing = 0): void {
  if (ctx.store.usedBytes() - freeing + adding > ctx.settings.storageQuotaBytes) throw insufficientStorage();
}

/**
 * Stores a file called `name` in `parent` the way the conflict behaviour says. A name held by a folder is a 409
 * whatever the behaviour: a file does not replace a folder.
 */
export function storeFile(
  ctx: GraphContext,
  call: Call,
  parent: StoredItem,
  name: string,
  content: Buffer,
  behavior: ConflictBehavior,
): { item: StoredItem; created: boolean } {
  const existing = ctx.store.child(parent.id, name);
  if (existing && (behavior === 'fail' || !existing.content)) throw nameAlreadyExists();
  if (existing && behavior === 'replace') {
    checkQuota(ctx, content.length, existing.content!.length);
    ctx.store.replaceContent(existing, content, mimeTypeFor(existing.name));
    record(ctx, call, 'replace', existing);
    return { item: existing, created: false };
  }
  const finalName = existing ? ctx.store.freeName(parent.id, name) : name;
  checkNewName(ctx, parent, finalName);
  checkQuota(ctx, content.length);
  const item = ctx.store.createFile(parent, finalName, content, mimeTypeFor(finalName));
  if (existing) record(ctx, call, 'conflictRename', item);
  return { item, created: true };
}

/** POST …/children: a new folder. */
export function createFolder(ctx: GraphContext, call: Call, a: Address): Reply {
  const parent = resolveItem(ctx, call, a);
  checkAccess(ctx, call, parent, true);
  if (!ctx.store.isFolder(parent)) throw invalidRequest('The parent item is not a folder.');
  const body = jsonBody(call);
  const name = body['name'];
  if (typeof name !== 'string') throw invalidRequest("Property 'name' is required.");
  if (typeof body['folder'] !== 'object' || body['folder'] === null) {
    throw invalidRequest('A folder facet is required to create a folder with this request.');
  }
  const behavior = conflictBehavior(body['@microsoft.graph.conflictBehavior'] ?? call.query.get('@microsoft.graph.conflictBehavior'), 'fail');
  checkNewName(ctx, parent, name);
  const existing = ctx.store.child(parent.id, name);
  let finalName = name;
  if (existing) {
    if (behavior === 'fail') throw nameAlreadyExists();
    if (behavior === 'replace') {
      record(ctx, call, 'replace', existing);
      ctx.store.delete(existing.id);
    } else finalName = ctx.store.freeName(parent.id, name);
  }
  const folder = ctx.store.createFolder(parent, finalName);
  if (existing && behavior === 'rename') record(ctx, call, 'conflictRename', folder);
  return { status: 201, json: renderItem(ctx, folder, undefined, false) };
}

/** PUT …/content: the simple upload. */
export function putContent(ctx: GraphContext, call: Call, a: Address): Reply {
  if (call.body.length > ctx.settings.simplePutMaxBytes) {
    throw graphError(413, 'invalidRequest', 'The request size exceeds the maximum limit.', 'maxFileSizeExceeded');
  }
  if (a.segments === null || a.segments.length === 0) return replaceById(ctx, call, a);
  const base = resolveBase(ctx, call, a.base);
  checkAccess(ctx, call, base, true);
  const behavior = ctx.settings.simplePutIgnoresConflictBehavior
    ? 'replace'
    : conflictBehavior(call.query.get('@microsoft.graph.conflictBehavior') ?? undefined, 'replace');
  // Every name and the whole path are checked before any folder on the way is made.
  for (const s of a.segments) {
    const refused = nameError(s, { business: ctx.store.driveType === 'business' });
    if (refused) throw refused;
  }
  const tooLong = pathTooLong([ctx.store.path(base), ...a.segments].filter(Boolean).join('/'));
  if (tooLong) throw tooLong;
  const parent = ensureFolders(ctx, base, a.segments.slice(0, -1));
  const { item, created } = storeFile(ctx, call, parent, a.segments[a.segments.length - 1]!, call.body, behavior);
  return { status: created ? 201 : 200, json: renderItem(ctx, item, undefined, false) };
}

/** The folders of a PUT path, made where missing. */
function ensureFolders(ctx: GraphContext, base: StoredItem, dirs: readonly string[]): StoredItem {
  let cur = base;
  for (const d of dirs) {
    const next = walk(ctx, cur, [d]);
    if (next && !ctx.store.isFolder(next)) throw nameAlreadyExists();
    cur = next ?? ctx.store.createFolder(cur, d);
  }
  return cur;
}

function replaceById(ctx: GraphContext, call: Call, a: Address): Reply {
  const item = resolveItem(ctx, call, a);
  checkAccess(ctx, call, item, true);
  if (!item.content) throw invalidRequest('Cannot upload content to a folder.');
  checkQuota(ctx, call.body.length, item.content.length);
  ctx.store.replaceContent(item, call.body, mimeTypeFor(item.name));
  record(ctx, call, 'replace', item);
  return { status: 200, json: renderItem(ctx, item, undefined, false) };
}

/** DELETE an item: done (to the recycle bin, which the emulator does not keep) and recorded. */
export function deleteItem(ctx: GraphContext, call: Call, a: Address): Reply {
  const item = resolveItem(ctx, call, a);
  checkAccess(ctx, call, item, true);
  if (item.parentId === null) throw graphError(403, 'accessDenied', 'Cannot delete the root.');
  record(ctx, call, 'delete', item);
  ctx.store.delete(item.id);
  return { status: 204 };
}

/** PATCH an item: a rename or a move (parentReference.id), done and recorded. */
export function updateItem(ctx: GraphContext, call: Call, a: Address): Reply {
  const item = resolveItem(ctx, call, a);
  checkAccess(ctx, call, item, true);
  const body = jsonBody(call);
  record(ctx, call, 'update', item);
  const parentId = (body['parentReference'] as { id?: unknown } | undefined)?.id;
  if (typeof parentId === 'string') {
    const parent = ctx.store.get(parentId);
    if (!parent) throw itemNotFound();
    item.parentId = parent.id;
  }
  if (typeof body['name'] === 'string') item.name = body['name'];
  if (typeof body['description'] === 'string') item.description = body['description'];
  ctx.store.touch(item);
  return { status: 200, json: renderItem(ctx, item, undefined, false) };
}

export function jsonBody(call: Call): Record<string, unknown> {
  if (call.body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(call.body.toString('utf8'));
  } catch {
    throw invalidRequest('Invalid request body.');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalidRequest('Invalid request body.');
  return v as Record<string, unknown>;
}

