// Upload sessions (api-reference driveitem-createuploadsession.md):
//   POST …:/{name}:/createUploadSession {"item": {"@microsoft.graph.conflictBehavior", "name", "description",
//        "fileSize"}} → 200 {uploadUrl, expirationDateTime, nextExpectedRanges}; the parent must exist
//        (onedrive-api-docs #364); a fileSize over the free space is a 507
//   PUT uploadUrl, Content-Range: bytes a-b/total, no Authorization → 202 {expirationDateTime, nextExpectedRanges}
//        until the last fragment, which commits: 201 (new) or 200 (replaced) with the item
//   GET uploadUrl → {expirationDateTime, nextExpectedRanges};  DELETE uploadUrl → 204, the session is cancelled
// Fragments but the last must be multiples of 320 KiB: the docs say other sizes make "errors committing some
// files"; the emulator refuses them at once with a 400, so the mistake cannot pass unseen. A fragment that repeats
// received bytes is a 416 (fragmentOverlap), one that leaves a gap too (fragmentOutOfOrder). A fragment cut off
// mid-way counts for nothing. Sessions expire; a finished, cancelled or expired session answers 404.
// Without an explicit conflictBehavior a session REPLACES an existing file: the docs say the default is fail, but
// reports say it replaces in practice (microsoft-graph-docs #19010, contrib #300, #54), and the safe emulator is
// the one that punishes leaving it out. With fail, the 409 comes when the last fragment commits if the name was
// taken meanwhile, and the session stays open so the upload could still be committed elsewhere.
import { randomBytes } from 'node:crypto';
import { resolveBase, walk, type Address } from './address.js';
import { checkAccess, header, record, type Call, type GraphContext, type Reply } from './context.js';
import { graphError, invalidRequest, itemNotFound, nameAlreadyExists } from './errors.js';
import { sameName } from './names.js';
import { mimeTypeFor, renderItem } from './resource.js';
import type { StoredItem } from './store.js';
import { checkNewName, checkQuota, conflictBehavior, jsonBody, storeFile, type ConflictBehavior } from './write.js';

export const FRAGMENT_UNIT = 320 * 1024;
const MAX_FRAGMENT = 60 * 1024 * 1024;

interface Session {
  id: string;
  parentId: string;
  name: string;
  /** Undefined when the request named none: then the session replaces. */
  behavior: ConflictBehavior | undefined;
  /** Set for a session that updates an existing file by id. */
  targetId?: string;
  total: number | undefined;
  parts: Buffer[];
  received: number;
  expiresAt: number;
  state: 'open' | 'done' | 'cancelled';
}

/** What a test may see of a session (never its URL, which is a credential). */
export interface SessionInfo {
  name: string;
  parentPath: string;
  received: number;
  total: number | undefined;
  state: Session['state'] | 'expired';
}

export class UploadSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ctx: GraphContext) {}

  /** POST …/createUploadSession */
  create(call: Call, a: Address): Reply {
    const { ctx } = this;
    const body = jsonBody(call);
    if (body['deferCommit'] === true) throw invalidRequest('deferCommit is not supported by this emulator.');
    const item = (body['item'] ?? {}) as Record<string, unknown>;
    const behavior = item['@microsoft.graph.conflictBehavior'] === undefined ? undefined : conflictBehavior(item['@microsoft.graph.conflictBehavior'], 'fail');
    const declared = item['fileSize'];
    if (declared !== undefined && (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 0)) {
      throw invalidRequest("Invalid value for 'fileSize'.");
    }
    const base = resolveBase(ctx, call, a.base);
    let parent: StoredItem | undefined;
    let name: string;
    let targetId: string | undefined;
    if (a.segments === null || a.segments.length === 0) {
      // items/{id}/createUploadSession: new content for an existing file.
      if (!base.content) throw invalidRequest('An upload session for a folder needs the new file name in the path.');
      parent = ctx.store.get(base.parentId ?? '');
      name = base.name;
      targetId = base.id;
    } else {
      parent = walk(ctx, base, a.segments.slice(0, -1));
      name = a.segments[a.segments.length - 1]!;
    }
    if (!parent || !ctx.store.isFolder(parent)) throw itemNotFound();
    checkAccess(ctx, call, parent, true);
    if (typeof item['name'] === 'string' && !sameName(item['name'], name)) {
      throw invalidRequest("Name specified in the path doesn't match the name specified in the request body.");
    }
    if (targetId === undefined) checkNewName(ctx, parent, name);
    if (behavior === 'fail' && targetId === undefined) {
      if (ctx.settings.sessionHoldsName && this.openFor(parent.id, name)) throw nameAlreadyExists();
      if (!ctx.settings.lateConflictCheck && ctx.store.child(parent.id, name)) throw nameAlreadyExists();
    }
    if (typeof declared === 'number') checkQuota(ctx, declared);
    const s: Session = {
      id: randomBytes(36).toString('base64url'),
      parentId: parent.id,
      name,
      behavior,
      total: typeof declared === 'number' ? declared : undefined,
      parts: [],
      received: 0,
      expiresAt: ctx.now() + ctx.settings.sessionTtlMs,
      state: 'open',
    };
    if (targetId !== undefined) s.targetId = targetId;
    this.sessions.set(s.id, s);
    return { status: 200, json: { uploadUrl: `${ctx.baseUrl()}up/${s.id}`, expirationDateTime: iso(s.expiresAt), nextExpectedRanges: ['0-'] } };
  }

  /** PUT uploadUrl: one fragment. */
  put(call: Call, id: string): Reply {
    const s = this.open(call, id);
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header(call, 'content-range')?.trim() ?? '');
    if (!range) throw invalidRequest('The Content-Range header is missing or malformed.', 'invalidRange');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const length = end - start + 1;
    const declaredLength = header(call, 'content-length');
    if (end < start || end >= total || length !== call.body.length || (declaredLength !== undefined && Number(declaredLength) !== call.body.length)) {
      throw invalidRequest('The Content-Range header does not match the body.', 'invalidRange');
    }
    if (s.total !== undefined && s.total !== total) {
      throw invalidRequest('Declared total size for this fragment is different from that of the upload session.', 'fragmentLengthMismatch');
    }
    if (length > MAX_FRAGMENT) throw graphError(413, 'invalidRequest', 'The fragment is larger than 60 MiB.', 'maxFragmentLengthExceeded');
    if (start < s.received) throw graphError(416, 'invalidRange', 'Uploaded fragment overlaps with existing data.', 'fragmentOverlap');
    if (start > s.received) throw graphError(416, 'invalidRange', 'Uploaded fragment is out of order.', 'fragmentOutOfOrder');
    const last = end + 1 === total;
    if (!last && length % FRAGMENT_UNIT !== 0) {
      throw invalidRequest(`Fragments but the last must be a multiple of 320 KiB (${FRAGMENT_UNIT} bytes); this one has ${length}.`, 'invalidRange');
    }
    s.total = total;
    if (!last) {
      s.parts.push(Buffer.from(call.body));
      s.received += length;
      return { status: 202, json: this.status(s) };
    }
    // The commit: only when it succeeds do the last bytes count, so a 409 leaves the session as it was.
    return this.commit(call, s, Buffer.concat([...s.parts, call.body]));
  }

  /** GET uploadUrl: what the session still expects. */
  get(call: Call, id: string): Reply {
    return { status: 200, json: this.status(this.open(call, id)) };
  }

  /** DELETE uploadUrl: cancels the session; recorded, because the program must never cancel (or delete) anything. */
  cancel(call: Call, id: string): Reply {
    const s = this.open(call, id);
    s.state = 'cancelled';
    const parent = this.ctx.store.get(s.parentId);
    if (parent) this.ctx.violations.push({ kind: 'cancelUpload', method: call.method, itemPath: `${this.ctx.store.path(parent)}/${s.name}`.replace(/^\//, ''), at: this.ctx.now() });
    return { status: 204 };
  }

  info(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => {
      const parent = this.ctx.store.get(s.parentId);
      const state = s.state === 'open' && this.ctx.now() >= s.expiresAt ? 'expired' : s.state;
      return { name: s.name, parentPath: parent ? this.ctx.store.path(parent) : '', received: s.received, total: s.total, state };
    });
  }

  private commit(call: Call, s: Session, content: Buffer): Reply {
    const { ctx } = this;
    const parent = ctx.store.get(s.parentId);
    if (!parent) throw itemNotFound();
    let result: { item: StoredItem; created: boolean };
    const target = s.targetId === undefined ? undefined : ctx.store.get(s.targetId);
    if (target?.content) {
      checkQuota(ctx, content.length, target.content.length);
      ctx.store.replaceContent(target, content, mimeTypeFor(target.name));
      record(ctx, call, 'replace', target);
      result = { item: target, created: false };
    } else {
      result = storeFile(ctx, call, parent, s.name, content, s.behavior ?? 'replace');
    }
    s.state = 'done';
    s.parts = [];
    return { status: result.created ? 201 : 200, json: renderItem(ctx, result.item, undefined, false) };
  }

  private open(call: Call, id: string): Session {
    if (this.ctx.settings.rejectAuthorizationOnUploadUrl && header(call, 'authorization') !== undefined) {
      throw graphError(401, 'unauthenticated', 'An upload URL is its own credential: the request must not carry an Authorization header.');
    }
    const s = this.sessions.get(id);
    if (!s || s.state !== 'open' || this.ctx.now() >= s.expiresAt) {
      throw graphError(404, 'itemNotFound', 'The upload session was not found.', 'uploadSessionNotFound');
    }
    return s;
  }

  private openFor(parentId: string, name: string): boolean {
    return [...this.sessions.values()].some((s) => s.state === 'open' && this.ctx.now() < s.expiresAt && s.parentId === parentId && sameName(s.name, name));
  }

  private status(s: Session): Record<string, unknown> {
    const done = s.total !== undefined && s.received >= s.total;
    return { expirationDateTime: iso(s.expiresAt), nextExpectedRanges: done ? [] : [`${s.received}-`] };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
