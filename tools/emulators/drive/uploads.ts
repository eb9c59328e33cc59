// Upload endpoints (/upload/drive/v3/files): uploadType=media, multipart and resumable, for creates and (recorded
// as forbidden) content updates.
//
// Resumable protocol, as documented for Drive ("Upload file data" → resumable upload):
//   POST ?uploadType=resumable, JSON metadata, optional X-Upload-Content-Type / X-Upload-Content-Length
//     → 200, empty body, Location: <session URI> (valid a week; needs no Authorization)
//   PUT <session URI>, Content-Range: bytes a-b/total (or /* while the size is unknown)
//     → 308 with Range: bytes=0-n while incomplete (NO Range header when nothing has been received, and never a
//       Location header: fetch would follow a 308 that had one), 200 with the file when complete
//   PUT <session URI>, empty, Content-Range: bytes */total → status query, same answers
// Every chunk but the last must be a multiple of 256 KiB. A chunk may overlap bytes already received (they are
// skipped), but may not leave a gap.
import { randomBytes } from 'node:crypto';
import { driveError, HttpError, invalidParam } from './errors.js';
import { fileFor, record, renderFile, type Call, type DriveContext, type Reply } from './context.js';
import { applyMetadata, commitCreate, insufficientScopes, planCreate, type CreatePlan } from './files-write.js';
import { parseJsonBody } from './http-util.js';
import { metadataAndMedia } from './multipart.js';
import type { StoredFile } from './store.js';

export const CHUNK_UNIT = 256 * 1024;
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

interface Session {
  id: string;
  createdAt: number;
  /** Create: the validated metadata. Update: the target file id and the metadata patch. */
  plan?: CreatePlan;
  targetId?: string;
  patch?: Record<string, unknown>;
  mediaType: string | undefined;
  total: number | undefined;
  data: Buffer[];
  received: number;
  /** The initiating call's query (fields, supportsAllDrives…): the final answer honours it. */
  query: URLSearchParams;
  done?: StoredFile;
}

function badUpload(message: string): HttpError {
  return driveError(400, 'badRequest', message);
}

export class Uploads {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ctx: DriveContext) {}

  /** POST /upload/drive/v3/files */
  create(call: Call): Reply {
    const type = call.query.get('uploadType');
    const contentType = header(call, 'content-type');
    if (type === 'multipart') {
      const { metadata, media, mediaType } = metadataAndMedia(call.body, contentType);
      const plan = planCreate(this.ctx, call, parseJsonBody(metadata));
      const f = commitCreate(this.ctx, plan, media, mediaType);
      return { status: 200, json: renderFile(this.ctx, call, f) };
    }
    if (type === 'media') {
      // A simple upload carries no metadata: the file is called "Untitled", typed by Content-Type.
      const plan = planCreate(this.ctx, call, {});
      const f = commitCreate(this.ctx, plan, call.body, contentType);
      return { status: 200, json: renderFile(this.ctx, call, f) };
    }
    if (type === 'resumable') {
      const plan = planCreate(this.ctx, call, parseJsonBody(call.body));
      return this.open(call, { plan }, '/upload/drive/v3/files');
    }
    throw invalidParam('uploadType');
  }

  /** PATCH|PUT /upload/drive/v3/files/{id}: replaces a file's bytes. The backup must never do this. */
  update(call: Call, id: string): Reply {
    const f = fileFor(this.ctx, call, id);
    record(this.ctx, call, 'updateContent', f.id);
    if (call.grant && !call.grant.canWrite) throw insufficientScopes();
    const type = call.query.get('uploadType');
    const contentType = header(call, 'content-type');
    if (type === 'multipart') {
      const { metadata, media, mediaType } = metadataAndMedia(call.body, contentType);
      this.replace(f, parseJsonBody(metadata), media, mediaType);
      return { status: 200, json: renderFile(this.ctx, call, f) };
    }
    if (type === 'media') {
      this.replace(f, {}, call.body, contentType);
      return { status: 200, json: renderFile(this.ctx, call, f) };
    }
    if (type === 'resumable') {
      return this.open(call, { targetId: f.id, patch: parseJsonBody(call.body) }, `/upload/drive/v3/files/${f.id}`);
    }
    throw invalidParam('uploadType');
  }

  /** PUT <session URI>: a chunk or a status query. */
  put(call: Call): Reply {
    const s = this.session(call);
    if (s.done) return this.finished(s);
    const range = header(call, 'content-range');
    let start: number;
    let end: number; // inclusive; -1 for a status query
    let total: number | undefined;
    if (range === undefined) {
      // No Content-Range: the body is the whole file in one request.
      start = 0;
      end = call.body.length - 1;
      total = call.body.length;
    } else {
      const m = /^bytes (?:\*|(\d+)-(\d+))\/(\*|\d+)$/.exec(range.trim());
      if (!m) throw badUpload(`Invalid Content-Range header: ${range}`);
      total = m[3] === '*' ? undefined : Number(m[3]);
      if (m[1] === undefined) {
        if (call.body.length > 0) throw badUpload('A status query (bytes */…) must have an empty body.');
        start = s.received;
        end = -1;
      } else {
        start = Number(m[1]);
        end = Number(m[2]);
        if (end < start) throw badUpload(`Invalid Content-Range header: ${range}`);
        if (call.body.length !== end - start + 1) {
          throw badUpload(`The Content-Range header says ${end - start + 1} bytes but the request carried ${call.body.length}.`);
        }
      }
    }
    if (total !== undefined) {
      if (s.total !== undefined && s.total !== total) throw badUpload(`The upload size changed from ${s.total} to ${total}.`);
      s.total = total;
    }
    if (end >= 0) this.append(s, start, end, call.body);
    if (s.total !== undefined && s.received === s.total) return this.complete(s);
    return incomplete(s);
  }

  /**
   * For a connection cut mid-chunk: keep what arrived in whole 256 KiB units (the upload server persists in
   * units, so a resume must start from the Range it reports, not from where the client thinks it stopped).
   */
  keepPartial(call: Call, prefix: Buffer): void {
    const s = this.sessions.get(call.query.get('upload_id') ?? '');
    const m = /^bytes (\d+)-(\d+)\/(\*|\d+)$/.exec((header(call, 'content-range') ?? '').trim());
    if (!s || s.done || !m) return;
    const start = Number(m[1]);
    if (start > s.received) return;
    const usable = Math.floor((start + prefix.length) / CHUNK_UNIT) * CHUNK_UNIT - start;
    if (usable > 0) this.append(s, start, start + usable - 1, prefix.subarray(0, usable));
  }

  private open(call: Call, target: Pick<Session, 'plan' | 'targetId' | 'patch'>, path: string): Reply {
    const declared = header(call, 'x-upload-content-length');
    if (declared !== undefined && !/^\d+$/.test(declared)) throw invalidParam('X-Upload-Content-Length');
    const s: Session = {
      ...target,
      id: `ADPyc${randomBytes(30).toString('base64url')}`,
      createdAt: this.ctx.now(),
      mediaType: header(call, 'x-upload-content-type'),
      total: declared === undefined ? undefined : Number(declared),
      data: [],
      received: 0,
      query: new URLSearchParams(call.query),
    };
    this.sessions.set(s.id, s);
    const q = new URLSearchParams(call.query);
    q.set('upload_id', s.id);
    const location = `${this.ctx.rootUrl()}${path.slice(1)}?${q.toString()}`;
    return { status: 200, headers: { location, 'x-guploader-uploadid': s.id } };
  }

  private session(call: Call): Session {
    const s = this.sessions.get(call.query.get('upload_id') ?? '');
    if (!s || this.ctx.now() - s.createdAt > SESSION_TTL_MS) {
      throw driveError(404, 'notFound', 'Upload session not found or expired. Start a new upload.');
    }
    return s;
  }

  private append(s: Session, start: number, end: number, bytes: Buffer): void {
    if (start > s.received) {
      throw badUpload(
        `Invalid request. According to the Content-Range header, the upload offset is ${start} byte(s), which exceeds already uploaded size of ${s.received} byte(s).`,
      );
    }
    if (s.total !== undefined && end + 1 > s.total) throw badUpload('The Content-Range goes past the declared upload size.');
    const final = s.total !== undefined && end + 1 === s.total;
    if (!final && (end - start + 1) % CHUNK_UNIT !== 0) {
      throw badUpload(
        `Invalid request. The number of bytes uploaded is required to be a multiple of ${CHUNK_UNIT} bytes, except for the final request. The received request contained ${end - start + 1} bytes.`,
      );
    }
    const fresh = bytes.subarray(s.received - start);
    if (fresh.length > 0) {
      s.data.push(Buffer.from(fresh));
      s.received += fresh.length;
    }
  }

  private complete(s: Session): Reply {
    const content = Buffer.concat(s.data);
    if (s.plan) {
      s.done = commitCreate(this.ctx, s.plan, content, s.mediaType);
    } else {
      const f = this.ctx.store.get(s.targetId ?? '');
      if (!f) throw driveError(404, 'notFound', `File not found: ${s.targetId}.`);
      this.replace(f, s.patch ?? {}, content, s.mediaType);
      s.done = f;
    }
    return this.finished(s);
  }

  private finished(s: Session): Reply {
    const call: Call = { method: 'PUT', path: '', query: s.query, headers: {}, body: Buffer.alloc(0), grant: undefined };
    return { status: 200, json: renderFile(this.ctx, call, s.done!) };
  }

  private replace(f: StoredFile, meta: Record<string, unknown>, content: Buffer, mediaType: string | undefined): void {
    applyMetadata(f, meta);
    if (typeof meta['mimeType'] !== 'string' && mediaType) f.mimeType = mediaType;
    f.content = Buffer.from(content);
    f.modifiedTime = this.ctx.now();
    f.version++;
  }
}

function incomplete(s: Session): Reply {
  const headers: Record<string, string> = {};
  if (s.received > 0) headers['range'] = `bytes=0-${s.received - 1}`;
  return { status: 308, headers };
}

function header(call: Call, name: string): string | undefined {
  const v = call.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
