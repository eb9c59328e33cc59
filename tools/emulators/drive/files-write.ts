// Write endpoints on file metadata. Creation (shared with the upload paths) validates the way Drive does, including
// the generateIds contract that makes a create idempotent: an id we generated is usable once; using it again is
// 409 fileIdInUse and no second file appears; an id we never generated is 400.
// Updates, trashing and deletes are implemented faithfully enough to observe, and each is RECORDED in
// `forbiddenCalls`, because the backup must never make one.
import { driveError, HttpError, notFound, storageQuotaExceeded } from './errors.js';
import { fileFor, record, renderFile, type Call, type DriveContext, type Reply } from './context.js';
import { parseJsonBody } from './http-util.js';
import { READ_ONLY_FILE_FIELDS } from './resource.js';
import { FOLDER_MIME, type StoredFile } from './store.js';

/** A create's metadata after validation, ready to become a file once the bytes are in. */
export interface CreatePlan {
  id?: string;
  name: string;
  mimeType: string | undefined;
  parent: StoredFile;
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  description?: string;
  originalFilename?: string;
  modifiedTime?: number;
  createdTime?: number;
}

function badRequest(message: string, location?: string): HttpError {
  return location === undefined
    ? driveError(400, 'badRequest', message)
    : driveError(400, 'badRequest', message, { location, locationType: 'other' });
}

function propertyBag(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`Invalid value for ${field}`, field);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === null) continue;
    const s = typeof val === 'string' ? val : JSON.stringify(val);
    // Key + value are limited to 124 bytes (UTF-8) per property.
    if (Buffer.byteLength(k) + Buffer.byteLength(s) > 124) {
      throw driveError(403, 'propertyLengthLimitExceeded', 'The property key and value exceed the limit of 124 bytes.', {
        location: field,
        locationType: 'other',
      });
    }
    out[k] = s;
  }
  if (Object.keys(out).length > 30) {
    throw driveError(403, 'propertyCountLimitExceeded', 'The file has too many properties.', { location: field, locationType: 'other' });
  }
  return out;
}

function refuseReadOnly(meta: Record<string, unknown>): void {
  for (const k of Object.keys(meta)) {
    if (READ_ONLY_FILE_FIELDS.has(k)) {
      throw driveError(403, 'fieldNotWritable', 'The resource body includes fields which are not directly writable.', {
        location: `file.${k}`,
        locationType: 'other',
      });
    }
  }
}

/** Validates create metadata (shared by metadata-only create and all upload types). Does not create anything. */
export function planCreate(ctx: DriveContext, call: Call, meta: Record<string, unknown>): CreatePlan {
  if (call.grant && !call.grant.canWrite) throw insufficientScopes();
  refuseReadOnly(meta);
  const name = meta['name'] ?? 'Untitled';
  if (typeof name !== 'string') throw badRequest('Invalid value for name', 'file.name');
  const mimeType = meta['mimeType'];
  if (mimeType !== undefined && typeof mimeType !== 'string') throw badRequest('Invalid value for mimeType', 'file.mimeType');
  const parents = meta['parents'] ?? ['root'];
  if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string')) throw badRequest('Invalid value for parents', 'file.parents');
  if (parents.length > 1) {
    throw driveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed. A file must have exactly one parent.');
  }
  const parentId = (parents[0] as string | undefined) ?? 'root';
  const parent = ctx.store.get(parentId);
  if (!parent || !canSeeParent(ctx, call, parent)) throw notFound(parentId);
  if (!ctx.store.isFolder(parent)) throw badRequest('The specified parent is not a folder.', 'file.parents');
  const plan: CreatePlan = {
    name,
    mimeType,
    parent,
    appProperties: propertyBag(meta['appProperties'], 'file.appProperties'),
    properties: propertyBag(meta['properties'], 'file.properties'),
  };
  const id = meta['id'];
  if (id !== undefined) {
    if (typeof id !== 'string') throw badRequest('Invalid value for id', 'file.id');
    checkId(ctx, id);
    plan.id = id;
  }
  if (typeof meta['description'] === 'string') plan.description = meta['description'];
  if (typeof meta['originalFilename'] === 'string') plan.originalFilename = meta['originalFilename'];
  // Both times are writable on create (a backup may want the document's own date).
  for (const key of ['modifiedTime', 'createdTime'] as const) {
    if (meta[key] === undefined) continue;
    const t = typeof meta[key] === 'string' ? Date.parse(meta[key]) : NaN;
    if (Number.isNaN(t)) throw badRequest(`Invalid value for ${key}`, `file.${key}`);
    plan[key] = t;
  }
  return plan;
}

function canSeeParent(ctx: DriveContext, call: Call, parent: StoredFile): boolean {
  if (call.grant?.appFilesOnly && !parent.createdByApp && !ctx.store.isRoot(parent)) return false;
  return parent.driveId === undefined || call.query.get('supportsAllDrives') === 'true' || call.query.get('supportsTeamDrives') === 'true';
}

function checkId(ctx: DriveContext, id: string): void {
  if (ctx.store.wasUsed(id)) throw driveError(409, 'fileIdInUse', 'A file already exists with the provided ID.');
  if (!ctx.store.isGenerated(id)) {
    throw driveError(400, 'fileIdNotUsable', 'The provided file ID is not usable.', { location: 'file.id', locationType: 'other' });
  }
}

/** Turns a plan plus bytes into a stored file. Re-checks the id: a parallel create may have taken it meanwhile. */
export function commitCreate(ctx: DriveContext, plan: CreatePlan, content: Buffer | null, mediaType?: string): StoredFile {
  if (plan.id !== undefined) checkId(ctx, plan.id);
  const mimeType = plan.mimeType ?? mediaType ?? 'application/octet-stream';
  // usage() walks every file: only pay for it when a limit is set (the benchmark creates thousands).
  if (content && Number.isFinite(ctx.storageLimitBytes) && ctx.store.usage().total + content.length > ctx.storageLimitBytes) {
    throw storageQuotaExceeded();
  }
  const init: Parameters<typeof ctx.store.create>[0] = {
    name: plan.name,
    mimeType,
    parent: plan.parent,
    content,
    appProperties: plan.appProperties,
    properties: plan.properties,
    createdByApp: true,
    listLagMs: ctx.listLagMs,
  };
  if (plan.id !== undefined) init.id = plan.id;
  if (plan.description !== undefined) init.description = plan.description;
  if (plan.originalFilename !== undefined) init.originalFilename = plan.originalFilename;
  if (plan.modifiedTime !== undefined) init.modifiedTime = plan.modifiedTime;
  if (plan.createdTime !== undefined) init.createdTime = plan.createdTime;
  return ctx.store.create(init);
}

export function insufficientScopes(): HttpError {
  return new HttpError(403, {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
      status: 'PERMISSION_DENIED',
    },
  });
}

/** POST /drive/v3/files: metadata-only create (folders, empty files). */
export function createFile(ctx: DriveContext, call: Call): Reply {
  const meta = parseJsonBody(call.body);
  const plan = planCreate(ctx, call, meta);
  const f = commitCreate(ctx, plan, plan.mimeType === FOLDER_MIME ? null : Buffer.alloc(0));
  return { status: 200, json: renderFile(ctx, call, f) };
}

/** PATCH /drive/v3/files/{id}: metadata update, including trashing. Recorded as forbidden. */
export function updateFile(ctx: DriveContext, call: Call, id: string): Reply {
  const f = fileFor(ctx, call, id);
  const meta = parseJsonBody(call.body);
  record(ctx, call, meta['trashed'] === true ? 'trash' : meta['trashed'] === false ? 'untrash' : 'update', f.id);
  if (call.grant && !call.grant.canWrite) throw insufficientScopes();
  refuseReadOnly(meta);
  if (meta['parents'] !== undefined) {
    throw driveError(403, 'fieldNotWritable', 'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.');
  }
  applyMetadata(f, meta);
  const add = call.query.get('addParents');
  const remove = call.query.get('removeParents');
  if (add || remove) {
    const next = f.parents.filter((p) => !(remove ?? '').split(',').includes(p));
    for (const p of (add ?? '').split(',').filter((x) => x !== '')) {
      if (!ctx.store.get(p)) throw notFound(p);
      next.push(ctx.store.resolve(p));
    }
    if (next.length !== 1) throw driveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed. A file must have exactly one parent.');
    f.parents = next;
  }
  f.modifiedTime = ctx.now();
  f.version++;
  return { status: 200, json: renderFile(ctx, call, f) };
}

/** Applies writable metadata keys to an existing file (update and content-update paths). */
export function applyMetadata(f: StoredFile, meta: Record<string, unknown>): void {
  if (typeof meta['name'] === 'string') f.name = meta['name'];
  if (typeof meta['mimeType'] === 'string') f.mimeType = meta['mimeType'];
  if (typeof meta['description'] === 'string') f.description = meta['description'];
  if (typeof meta['starred'] === 'boolean') f.starred = meta['starred'];
  if (typeof meta['trashed'] === 'boolean') f.explicitlyTrashed = meta['trashed'];
  for (const key of ['appProperties', 'properties'] as const) {
    const patch = meta[key];
    if (patch && typeof patch === 'object') {
      // In updates a null value deletes the key.
      for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
        if (v === null) delete f[key][k];
      }
      Object.assign(f[key], propertyBag(patch, `file.${key}`));
    }
  }
}

/** DELETE /drive/v3/files/{id}: permanent delete (skips the trash). Recorded as forbidden. */
export function deleteFile(ctx: DriveContext, call: Call, id: string): Reply {
  const f = fileFor(ctx, call, id);
  record(ctx, call, 'delete', f.id);
  if (call.grant && !call.grant.canWrite) throw insufficientScopes();
  ctx.store.delete(f.id);
  return { status: 204 };
}

/** DELETE /drive/v3/files/trash: empties the trash. Recorded as forbidden. */
export function emptyTrash(ctx: DriveContext, call: Call): Reply {
  record(ctx, call, 'emptyTrash');
  if (call.grant && !call.grant.canWrite) throw insufficientScopes();
  for (const f of ctx.store.all()) {
    if (f.explicitlyTrashed && ctx.store.get(f.id)) ctx.store.delete(f.id);
  }
  return { status: 204 };
}
