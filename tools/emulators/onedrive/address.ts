// How Graph addresses a drive item (onedrive "addressing-driveitems"): by id, by path from the root or from the
// app folder, or by a path relative to an item, each followed by an optional action:
//   me/drive/root | me/drive/items/{id} | me/drive/special/approot
//   …:/{path}:          the colon closes the path; it may be left off when nothing follows
//   …/children | …/content | …/createUploadSession
// Each path segment arrives percent-encoded and is decoded on its own, so "%2F" inside a name stays a character
// (and is then refused as one), never a separator.
import { canReachAppFolder, checkAccess, type Call, type GraphContext } from './context.js';
import { accessDenied, graphError, HttpError, invalidRequest, itemNotFound } from './errors.js';
import type { StoredItem } from './store.js';

export type Base = { kind: 'root' } | { kind: 'item'; id: string } | { kind: 'approot' };
export type Action = 'children' | 'content' | 'createUploadSession';

export interface Address {
  base: Base;
  /** Decoded path segments after "…:", or null when the address has no path part. */
  segments: string[] | null;
  action: Action | null;
}

const ACTIONS = new Set<string>(['children', 'content', 'createUploadSession']);

/** Parses what follows "/v1.0/me/drive/" (still encoded); undefined when it is no drive-item address. */
export function parseAddress(rest: string): Address | undefined {
  const m = /^(root|items\/([^/:]+)|special\/([^/:]+))(.*)$/.exec(rest);
  if (!m) return undefined;
  let base: Base;
  if (m[1] === 'root') base = { kind: 'root' };
  else if (m[2] !== undefined) base = { kind: 'item', id: decode(m[2]) };
  else if (m[3]!.toLowerCase() === 'approot') base = { kind: 'approot' };
  else throw invalidRequest(`Special folder '${decode(m[3]!)}' is not supported.`);
  let tail = m[4]!;
  let segments: string[] | null = null;
  if (tail.startsWith(':')) {
    const close = tail.indexOf(':', 1);
    const pathPart = close < 0 ? tail.slice(1) : tail.slice(1, close);
    tail = close < 0 ? '' : tail.slice(close + 1);
    if (!pathPart.startsWith('/')) return undefined;
    segments = pathPart.slice(1).split('/').map(decode);
    if (segments.length === 1 && segments[0] === '') segments = [];
    if (segments.some((s) => s === '')) throw invalidRequest('Path contains an empty segment.');
  }
  if (tail === '' || tail === '/') return { base, segments, action: null };
  const action = tail.slice(1);
  if (!tail.startsWith('/') || !ACTIONS.has(action)) return undefined;
  return { base, segments, action: action as Action };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidRequest('The request URI is not valid.');
  }
}

/**
 * The item an address's base names. The app folder is made on first access, as Microsoft documents it; reports
 * (microsoft-graph-docs#4287) say only a GET makes it, so any other verb before it exists finds nothing.
 */
export function resolveBase(ctx: GraphContext, call: Call, base: Base): StoredItem {
  if (base.kind === 'root') return ctx.store.root();
  if (base.kind === 'item') {
    const item = ctx.store.get(base.id);
    if (!item) throw itemNotFound();
    return item;
  }
  const existing = ctx.store.approot();
  if (existing) return existing;
  if (!canReachAppFolder(ctx, call)) throw accessDenied();
  if (call.method !== 'GET') throw itemNotFound();
  const store = ctx.store;
  const apps = store.child(store.rootId, ctx.settings.appsFolderName) ?? store.createFolder(store.root(), ctx.settings.appsFolderName);
  const folder = store.child(apps.id, ctx.settings.appName) ?? store.createFolder(apps, ctx.settings.appName);
  folder.special = 'approot';
  return folder;
}

/** Walks a path down from `from`; undefined when a segment is missing or a file stands in the way. */
export function walk(ctx: GraphContext, from: StoredItem, segments: readonly string[]): StoredItem | undefined {
  let cur: StoredItem | undefined = from;
  for (const s of segments) {
    if (!cur || !ctx.store.isFolder(cur)) return undefined;
    cur = ctx.store.child(cur.id, s);
  }
  return cur;
}

/** The item an address names, which must exist and be visible to the caller. */
export function resolveItem(ctx: GraphContext, call: Call, a: Address): StoredItem {
  const base = resolveBase(ctx, call, a.base);
  const item = walk(ctx, base, a.segments ?? []);
  if (!item) throw itemNotFound();
  checkAccess(ctx, call, item, false);
  return item;
}

/** 400 "Resource not found for the segment", what Graph answers for a URL it cannot route. */
export function unknownSegment(path: string): HttpError {
  const segment = path.split('/').filter(Boolean).pop() ?? '';
  return graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}
