// Graph's reads: the signed-in user, the drive, an item, a folder's children (paged through @odata.nextLink, an
// absolute URL carrying an opaque $skiptoken) and an item's bytes.
import { resolveItem, type Address } from './address.js';
import { type Call, type GraphContext, type Reply } from './context.js';
import { graphError, invalidRequest, itemNotFound } from './errors.js';
import { renderItem, selection } from './resource.js';

const DEFAULT_PAGE = 200;
const MAX_TOP = 1000;

/** GET /me: needs User.Read, which a Files.* token alone does not carry. */
export function getMe(ctx: GraphContext, call: Call): Reply {
  if (!call.grant?.scopes.has('User.Read')) {
    throw graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }
  const u = ctx.settings.user;
  return {
    status: 200,
    json: {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
      businessPhones: [],
      displayName: u.displayName,
      givenName: u.displayName.split(' ')[0] ?? null,
      jobTitle: null,
      mail: ctx.store.driveType === 'business' ? u.userPrincipalName : null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: u.displayName.split(' ').slice(1).join(' ') || null,
      userPrincipalName: u.userPrincipalName,
      id: u.id,
    },
  };
}

/** GET /me/drive: the drive with its quota. */
export function getDrive(ctx: GraphContext, call: Call): Reply {
  resolveItem(ctx, call, { base: { kind: 'root' }, segments: null, action: null });
  const used = ctx.store.usedBytes();
  const total = ctx.settings.storageQuotaBytes;
  const remaining = Math.max(0, total - used);
  const state = remaining === 0 ? 'exceeded' : remaining < total * 0.1 ? 'critical' : 'normal';
  return {
    status: 200,
    json: {
      id: ctx.store.driveId,
      driveType: ctx.store.driveType,
      owner: { user: { displayName: ctx.settings.user.displayName, id: ctx.settings.user.id } },
      quota: { deleted: 0, remaining: Number.isFinite(remaining) ? remaining : 5 * 1024 ** 4, state, total: Number.isFinite(total) ? total : 5 * 1024 ** 4, used },
    },
  };
}

export function getItem(ctx: GraphContext, call: Call, a: Address): Reply {
  const item = resolveItem(ctx, call, a);
  return { status: 200, json: renderItem(ctx, item, selection(call), true) };
}

/** GET …/content: a 302 to the pre-authenticated download URL. */
export function getContent(ctx: GraphContext, call: Call, a: Address): Reply {
  const item = resolveItem(ctx, call, a);
  if (!item.content) throw itemNotFound();
  const listed = renderItem(ctx, item, ['@microsoft.graph.downloadUrl'], true);
  return { status: 302, headers: { location: String(listed['@microsoft.graph.downloadUrl']) } };
}

/** GET /download/{token}: the bytes, without Authorization, as the real download URLs work. */
export function download(ctx: GraphContext, token: string): Reply {
  const item = ctx.store.get(ctx.downloads.get(token) ?? '');
  if (!item?.content) throw itemNotFound();
  return { status: 200, bytes: item.content, headers: { 'content-type': 'application/octet-stream' } };
}

/**
 * GET …/children. Items come in name order, case-insensitively; the skip token names the last one returned, so a
 * page boundary survives items being added between pages. Pages hold at most $top items, and fewer when the
 * emulator is told to give short pages (an option, or the shortPage fault), as the real service may.
 */
export function listChildren(ctx: GraphContext, call: Call, a: Address, shortPage: number | undefined): Reply {
  const folder = resolveItem(ctx, call, a);
  const select = selection(call);
  const top = pageSize(call.query.get('$top'));
  const after = skipToken(call.query.get('$skiptoken'));
  const all = ctx.store
    .children(folder.id)
    .map((i) => ({ i, key: i.name.toUpperCase() }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const rest = after === undefined ? all : all.filter((x) => x.key > after);
  const size = Math.min(top, ctx.settings.maxPageSize, shortPage ?? Infinity);
  const page = rest.slice(0, size);
  const body: Record<string, unknown> = {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${encodeURIComponent(ctx.settings.user.userPrincipalName)}')/drive/items('${folder.id}')/children`,
    value: page.map((x) => renderItem(ctx, x.i, select, true)),
  };
  if (rest.length > page.length) {
    const next = new URLSearchParams();
    if (call.query.has('$top')) next.set('$top', String(top));
    if (select) next.set('$select', select.join(','));
    next.set('$skiptoken', Buffer.from(page[page.length - 1]!.key).toString('base64url'));
    body['@odata.nextLink'] = `${ctx.baseUrl()}v1.0/me/drive/items/${encodeURIComponent(folder.id)}/children?${next.toString()}`;
  }
  return { status: 200, json: body };
}

function pageSize(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) throw invalidRequest(`Invalid value '${raw}' for query option '$top'.`, 'invalidQueryOption');
  return n;
}

function skipToken(raw: string | null): string | undefined {
  if (raw === null) return undefined;
  const key = Buffer.from(raw, 'base64url').toString('utf8');
  if (key === '' || Buffer.from(key).toString('base64url') !== raw) throw invalidRequest('Invalid skip token.', 'invalidStartIndex');
  return key;
}
