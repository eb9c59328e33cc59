// Read endpoints: files.list, files.get (metadata and alt=media), files.generateIds, about.get.
import { createHash } from 'node:crypto';
import { driveError, invalidParam } from './errors.js';
import { applySelection, parseFields, type Schema } from './fields.js';
import { canSee, FILE_SCHEMA, fileFor, renderFile, type Call, type DriveContext, type Reply } from './context.js';
import { evaluate, parseQuery } from './query.js';
import { DEFAULT_LIST_FIELDS, fileResource } from './resource.js';
import type { StoredFile } from './store.js';

const LIST_SCHEMA: Schema = {
  keys: new Set(['kind', 'nextPageToken', 'incompleteSearch', 'files']),
  nested: { files: FILE_SCHEMA },
};
const ABOUT_SCHEMA: Schema = {
  keys: new Set([
    'appInstalled', 'canCreateDrives', 'canCreateTeamDrives', 'driveThemes', 'exportFormats', 'folderColorPalette',
    'importFormats', 'kind', 'maxImportSizes', 'maxUploadSize', 'storageQuota', 'teamDriveThemes', 'user',
  ]),
  nested: {
    user: { keys: new Set(['displayName', 'emailAddress', 'kind', 'me', 'permissionId', 'photoLink']) },
    storageQuota: { keys: new Set(['limit', 'usage', 'usageInDrive', 'usageInDriveTrash']) },
  },
};
const IDS_SCHEMA: Schema = { keys: new Set(['ids', 'kind', 'space']) };

const ORDER_KEYS = new Set([
  'createdTime', 'folder', 'modifiedByMeTime', 'modifiedTime', 'name', 'name_natural', 'quotaBytesUsed', 'recency',
  'sharedWithMeTime', 'starred', 'viewedByMeTime',
]);

function intParam(call: Call, name: string, def: number, min: number, max: number): number {
  const raw = call.query.get(name);
  if (raw === null) return def;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < min || n > max) {
    throw invalidParam(name, `Invalid value '${raw}'. Values must be within the range: [${min}, ${max}]`);
  }
  return n;
}

type Cmp = (a: StoredFile, b: StoredFile) => number;

function orderBy(ctx: DriveContext, spec: string | null): Cmp {
  // Drive documents no default order; newest-modified first keeps clients from relying on creation order.
  const terms = (spec ?? 'modifiedTime desc').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const cmps: Cmp[] = terms.map((t) => {
    const [key, dir, ...rest] = t.split(/\s+/);
    if (!key || !ORDER_KEYS.has(key) || rest.length > 0 || (dir !== undefined && dir !== 'desc' && dir !== 'asc')) {
      throw invalidParam('orderBy');
    }
    const sign = dir === 'desc' ? -1 : 1;
    const by = (f: (x: StoredFile) => number | string): Cmp => (a, b) => {
      const x = f(a);
      const y = f(b);
      return sign * (x < y ? -1 : x > y ? 1 : 0);
    };
    switch (key) {
      case 'createdTime':
        return by((f) => f.createdTime);
      case 'name':
        return by((f) => f.name);
      case 'name_natural':
        return (a, b) => sign * a.name.localeCompare(b.name, undefined, { numeric: true });
      case 'folder':
        return by((f) => (ctx.store.isFolder(f) ? 0 : 1));
      case 'quotaBytesUsed':
        return by((f) => f.content?.length ?? 0);
      case 'starred':
        return by((f) => (f.starred ? 0 : 1));
      default:
        return by((f) => f.modifiedTime);
    }
  });
  return (a, b) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

/** The page token binds the offset to the query it came from; a token from another query is refused. */
function listKey(call: Call): string {
  const parts = ['q', 'orderBy', 'corpora', 'driveId', 'spaces'].map((k) => call.query.get(k) ?? '');
  return createHash('sha1').update(parts.join('\u0000')).digest('base64url').slice(0, 12);
}

function decodeToken(token: string, key: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; k?: unknown };
    if (typeof v.o === 'number' && v.k === key) return v.o;
  } catch {
    /* fall through */
  }
  throw invalidParam('pageToken');
}

export function listFiles(ctx: DriveContext, call: Call): Reply {
  const q = call.query;
  const pageSize = intParam(call, 'pageSize', 100, 1, 1000);
  const spaces = (q.get('spaces') ?? 'drive').split(',').map((s) => s.trim());
  if (spaces.some((s) => !['drive', 'appDataFolder', 'photos'].includes(s))) throw invalidParam('spaces');
  const corpora = q.get('corpora') ?? (q.get('driveId') ? 'drive' : 'user');
  if (!['user', 'drive', 'allDrives', 'domain'].includes(corpora)) throw invalidParam('corpora');
  const driveId = q.get('driveId');
  const allDrives = q.get('includeItemsFromAllDrives') === 'true' || q.get('includeTeamDriveItems') === 'true';
  if (corpora === 'drive') {
    if (!driveId) throw invalidParam('driveId', 'The driveId parameter must be specified if and only if corpora is set to drive.');
    if (!allDrives || q.get('supportsAllDrives') !== 'true') {
      throw invalidParam('includeItemsFromAllDrives', 'The includeItemsFromAllDrives parameter must be set to true when driveId is set.');
    }
  }
  const query = q.get('q') ? parseQuery(q.get('q')!) : undefined;
  const cmp = orderBy(ctx, q.get('orderBy'));
  const key = listKey(call);
  const offset = q.get('pageToken') ? decodeToken(q.get('pageToken')!, key) : 0;
  const now = ctx.now();

  const inCorpus = (f: StoredFile): boolean => {
    if (corpora === 'drive') return f.driveId === driveId;
    if (f.driveId === undefined) return true;
    return allDrives && (corpora === 'allDrives' || corpora === 'user');
  };
  const matched = spaces.includes('drive')
    ? ctx.store
        .all()
        .filter((f) => f.listableAt <= now && canSee(ctx, call, f) && inCorpus(f))
        .filter((f) => !query || evaluate(query, f, { store: ctx.store, userEmail: ctx.user.email }))
    : [];
  // Stable sort: equal keys keep creation order.
  matched.sort(cmp);

  const short = ctx.faults.take({ method: call.method, path: call.path, query: q, uploadType: undefined }, (f) => f.kind === 'shortPage');
  const take = short ? 0 : pageSize;
  const page = matched.slice(offset, offset + take);
  const next = offset + page.length;
  const body: Record<string, unknown> = { kind: 'drive#fileList' };
  if (next < matched.length) body['nextPageToken'] = Buffer.from(JSON.stringify({ o: next, k: key })).toString('base64url');
  body['incompleteSearch'] = false;
  body['files'] = page.map((f) => fileResource(ctx.store, f, ctx.user));
  const sel = parseFields(q.get('fields') || DEFAULT_LIST_FIELDS, LIST_SCHEMA);
  return { status: 200, json: applySelection(body, sel) };
}

export function getFile(ctx: DriveContext, call: Call, id: string): Reply {
  const f = fileFor(ctx, call, id);
  if (call.query.get('alt') === 'media') {
    if (!f.content) {
      throw driveError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', {
        location: 'alt',
        locationType: 'parameter',
      });
    }
    return { status: 200, bytes: f.content, headers: { 'content-type': f.mimeType } };
  }
  return { status: 200, json: renderFile(ctx, call, f) };
}

export function generateIds(ctx: DriveContext, call: Call): Reply {
  const count = intParam(call, 'count', 10, 1, 1000);
  const space = call.query.get('space') ?? 'drive';
  if (!['drive', 'appDataFolder'].includes(space)) throw invalidParam('space');
  const type = call.query.get('type') ?? 'files';
  if (!['files', 'shortcuts'].includes(type)) throw invalidParam('type');
  const ids = Array.from({ length: count }, () => ctx.store.generateId());
  const body = { kind: 'drive#generatedIds', space, ids };
  const fields = call.query.get('fields');
  return { status: 200, json: fields ? applySelection(body, parseFields(fields, IDS_SCHEMA)) : body };
}

export function about(ctx: DriveContext, call: Call): Reply {
  const fields = call.query.get('fields');
  // about.get is the one method where `fields` is mandatory.
  if (!fields) {
    throw driveError(400, 'required', "The 'fields' parameter is required for this method.", {
      location: 'fields',
      locationType: 'parameter',
    });
  }
  const usage = ctx.store.usage();
  const quota: Record<string, string> = {
    usage: String(usage.total),
    usageInDrive: String(usage.total),
    usageInDriveTrash: String(usage.trashed),
  };
  if (Number.isFinite(ctx.storageLimitBytes)) quota['limit'] = String(ctx.storageLimitBytes);
  const body = {
    kind: 'drive#about',
    user: {
      kind: 'drive#user',
      displayName: ctx.user.name,
      me: true,
      permissionId: ctx.user.permissionId,
      emailAddress: ctx.user.email,
    },
    storageQuota: quota,
    maxUploadSize: '5242880000000',
    appInstalled: false,
    canCreateDrives: false,
  };
  return { status: 200, json: applySelection(body, parseFields(fields, ABOUT_SCHEMA)) };
}
