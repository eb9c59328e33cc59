// A driveItem as Graph renders it (api-reference resources/driveitem.md): facets instead of a type field (file or
// folder), the parent as {driveType, driveId, id, name, path}, hashes that differ by drive type (personal drives
// give quickXorHash and sha256Hash, business drives quickXorHash only), eTag and cTag that change with every write,
// and a short-lived pre-authenticated download URL. `$select` cuts it down; the download URL then comes only when
// selected by name, as on Graph.
import { randomBytes } from 'node:crypto';
import type { Call, GraphContext } from './context.js';
import { invalidRequest } from './errors.js';
import { quickXorHash } from './quickXorHash.js';
import { sha256Hex, type StoredItem } from './store.js';

const DOWNLOAD_URL = '@microsoft.graph.downloadUrl';
const SELECTABLE = new Set([
  'id',
  'name',
  'size',
  'eTag',
  'cTag',
  'createdDateTime',
  'lastModifiedDateTime',
  'webUrl',
  'parentReference',
  'file',
  'folder',
  'root',
  'specialFolder',
  'fileSystemInfo',
  'createdBy',
  'lastModifiedBy',
  'description',
  DOWNLOAD_URL,
]);

const MIME_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
  png: 'image/png',
  zip: 'application/zip',
};

/** Graph types a file by its extension, whatever Content-Type the upload carried. */
export function mimeTypeFor(name: string): string {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return MIME_BY_EXTENSION[ext] ?? 'application/octet-stream';
}

/** The `$select` list of a call, or undefined when it has none; unknown properties are a 400, as on Graph. */
export function selection(call: Call): string[] | undefined {
  const raw = call.query.get('$select');
  if (raw === null || raw.trim() === '') return undefined;
  const names = raw.split(',').map((s) => s.trim());
  const unknown = names.find((n) => !SELECTABLE.has(n));
  if (unknown !== undefined) throw invalidRequest(`Could not find a property named '${unknown}' on type 'microsoft.graph.driveItem'.`);
  return names;
}

export function renderItem(ctx: GraphContext, item: StoredItem, select: string[] | undefined, withDownloadUrl: boolean): Record<string, unknown> {
  const full = fullItem(ctx, item);
  if (item.content && (select ? select.includes(DOWNLOAD_URL) : withDownloadUrl)) full[DOWNLOAD_URL] = downloadUrl(ctx, item);
  if (!select) return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => select.includes(k)));
}

function fullItem(ctx: GraphContext, item: StoredItem): Record<string, unknown> {
  const { store, settings } = ctx;
  const created = new Date(item.createdAt).toISOString();
  const modified = new Date(item.modifiedAt).toISOString();
  const by = { application: { displayName: settings.appName, id: 'e0b0a6f1' }, user: { displayName: settings.user.displayName, id: settings.user.id } };
  const out: Record<string, unknown> = {
    createdDateTime: created,
    cTag: `"c:{${item.tagId}},${item.version}"`,
    eTag: `"{${item.tagId}},${item.version}"`,
    id: item.id,
    lastModifiedDateTime: modified,
    name: item.name,
    size: store.size(item),
    webUrl: webUrl(ctx, item),
    createdBy: by,
    lastModifiedBy: by,
    fileSystemInfo: { createdDateTime: created, lastModifiedDateTime: modified },
  };
  if (item.description !== undefined) out['description'] = item.description;
  const parent = item.parentId === null ? undefined : store.get(item.parentId);
  if (parent) {
    const parentPath = store.path(parent);
    const prefix = store.driveType === 'personal' ? '/drive/root:' : `/drives/${store.driveId}/root:`;
    out['parentReference'] = {
      driveType: store.driveType,
      driveId: store.driveId,
      id: parent.id,
      name: parent.parentId === null ? 'root' : parent.name,
      path: parentPath === '' ? prefix : `${prefix}/${parentPath}`,
    };
  } else {
    out['root'] = {};
    out['parentReference'] = { driveType: store.driveType, driveId: store.driveId };
  }
  if (item.content) {
    const hashes: Record<string, string> = { quickXorHash: quickXorHash(item.content) };
    if (store.driveType === 'personal') hashes['sha256Hash'] = sha256Hex(item.content);
    out['file'] = { mimeType: item.mimeType ?? mimeTypeFor(item.name), hashes };
  } else {
    out['folder'] = { childCount: store.children(item.id).length };
  }
  if (item.special) out['specialFolder'] = { name: item.special };
  return out;
}

function webUrl(ctx: GraphContext, item: StoredItem): string {
  if (ctx.store.driveType === 'personal') return `https://onedrive.live.com/redir?resid=${encodeURIComponent(item.id)}`;
  const path = ctx.store.path(item).split('/').map(encodeURIComponent).join('/');
  return `https://contoso-my.sharepoint.com/personal/owner_contoso_com/Documents/${path}`;
}

/** A pre-authenticated URL on the emulator: GET it without Authorization to read the bytes. */
export function downloadUrl(ctx: GraphContext, item: StoredItem): string {
  const token = randomBytes(24).toString('base64url');
  ctx.downloads.set(token, item.id);
  return `${ctx.baseUrl()}download/${token}`;
}
