// The upload routes. files/upload and upload_session/start|append|append_v2|finish are content-host "upload" routes
// (argument in Dropbox-API-Arg, bytes in the body); finish_batch, finish_batch_v2 and finish_batch/check are RPC routes
// on the API host (files.stone route attributes). Every commit takes the namespace lock (limits.ts).
//
// content_hash, where given, covers the bytes of THAT call (UploadArg, UploadSessionStartArg, UploadSessionAppendArg,
// UploadSessionFinishArg: "A hash of the file content uploaded in this call"): a finish_batch entry carries no
// bytes, so a hash there must be the empty content's.
import { randomBytes } from 'node:crypto';
import { commitFile, readCommitInfo, type CommitInfo } from './commit.js';
import { contentHash } from './contentHash.js';
import type { Call, DropboxContext, Reply } from './context.js';
import { routeError, WriteFailure } from './errors.js';
import { fileMetadata } from './metadata.js';
import { SessionFailure, type Session } from './sessions.js';
import { ArgReader, tagged, type Union } from './stone.js';

const SHA256_HEX = { minLength: 64, maxLength: 64 };

function checkPayload(ctx: DropboxContext, call: Call, hash: string | undefined): void {
  if (call.body.length > ctx.maxRequestBytes) throw routeError(tagged('payload_too_large'));
  if (hash !== undefined && hash !== contentHash(call.body)) throw routeError(tagged('content_hash_mismatch'));
}

/** files/upload: one request, at most 150 MiB. A failed commit leaves the bytes in a session the client may finish. */
export async function upload(ctx: DropboxContext, call: Call): Promise<Reply> {
  const r = ArgReader.of(call.arg, call.fail);
  const info = readCommitInfo(r);
  const hash = r.string('content_hash', { optional: true, nullable: true, ...SHA256_HEX });
  r.done();
  checkPayload(ctx, call, hash);
  try {
    const item = await ctx.lock.commit(() => commitFile(ctx, call, info, call.body));
    return { json: fileMetadata(ctx.store, ctx.view, item) };
  } catch (e) {
    if (!(e instanceof WriteFailure)) throw e;
    const kept = ctx.sessions.start(false, call.body, false);
    throw routeError(tagged('path', { reason: e.error, upload_session_id: kept.id }));
  }
}

export function sessionStart(ctx: DropboxContext, call: Call): Reply {
  const r = ArgReader.of(call.arg, call.fail);
  const close = r.bool('close', false);
  const type = r.union('session_type', { sequential: 'void', concurrent: 'void' }, tagged('sequential'))!;
  const hash = r.string('content_hash', { optional: true, nullable: true, ...SHA256_HEX });
  r.done();
  const concurrent = type['.tag'] === 'concurrent';
  if (concurrent && call.body.length > 0) throw routeError(tagged('concurrent_session_data_not_allowed'));
  if (concurrent && close) throw routeError(tagged('concurrent_session_close_not_allowed'));
  checkPayload(ctx, call, hash);
  return { json: { session_id: ctx.sessions.start(concurrent, call.body, close).id } };
}

function readCursor(r: ArgReader): { sessionId: string; offset: number } {
  const sessionId = r.requiredString('session_id');
  const offset = r.uint('offset')!;
  r.done();
  return { sessionId, offset };
}

/** upload_session/append (deprecated: the argument is the cursor itself) and append_v2 ({cursor, close, content_hash}). */
export function sessionAppend(ctx: DropboxContext, call: Call, v2: boolean): Reply {
  const r = ArgReader.of(call.arg, call.fail);
  let cursor: { sessionId: string; offset: number };
  let close = false;
  let hash: string | undefined;
  if (v2) {
    cursor = readCursor(r.struct('cursor')!);
    close = r.bool('close', false);
    hash = r.string('content_hash', { optional: true, nullable: true, ...SHA256_HEX });
    r.done();
  } else {
    cursor = readCursor(r);
  }
  checkPayload(ctx, call, hash);
  try {
    const s = ctx.sessions.get(cursor.sessionId);
    ctx.sessions.append(s, cursor.offset, call.body, close);
  } catch (e) {
    if (e instanceof SessionFailure) throw routeError(e.error);
    throw e;
  }
  return { json: null };
}

interface FinishArg {
  cursor: { sessionId: string; offset: number };
  commit: CommitInfo;
  hash: string | undefined;
}

function readFinishArg(value: unknown, call: Call, prefix = ''): FinishArg {
  const r = ArgReader.of(value, call.fail, prefix);
  const cursor = readCursor(r.struct('cursor')!);
  const c = r.struct('commit')!;
  const commit = readCommitInfo(c);
  c.done();
  const hash = r.string('content_hash', { optional: true, nullable: true, ...SHA256_HEX });
  r.done();
  return { cursor, commit, hash };
}

/**
 * One finish: the data of this call goes on at the cursor, then the session is committed. Failures are
 * UploadSessionFinishError unions: lookup_failed (a session problem), path (a WriteError) and the others.
 */
function finishOne(ctx: DropboxContext, call: Call, f: FinishArg, data: Buffer, batch: boolean): Record<string, unknown> {
  let s: Session;
  try {
    s = ctx.sessions.get(f.cursor.sessionId);
    if (batch && !s.closed) throw new SessionFailure(tagged('not_closed'));
    if (s.concurrent) {
      if (data.length > 0) throw new FinishFailure(tagged('concurrent_session_data_not_allowed'));
      if (!s.closed) throw new FinishFailure(tagged('concurrent_session_not_closed'));
    } else if (f.cursor.offset !== s.size) {
      throw new SessionFailure(tagged('incorrect_offset', { correct_offset: s.size }));
    } else if (data.length > 0) {
      ctx.sessions.append(s, f.cursor.offset, data, false);
    }
  } catch (e) {
    if (e instanceof SessionFailure) throw new FinishFailure(tagged('lookup_failed', { lookup_failed: e.error }));
    throw e;
  }
  if (f.hash !== undefined && f.hash !== contentHash(data)) throw new FinishFailure(tagged('content_hash_mismatch'));
  let content: Buffer;
  try {
    content = ctx.sessions.content(s);
  } catch (e) {
    if (e instanceof SessionFailure) throw new FinishFailure(e.error);
    throw e;
  }
  try {
    const item = commitFile(ctx, call, f.commit, content);
    ctx.sessions.finish(s);
    return fileMetadata(ctx.store, ctx.view, item);
  } catch (e) {
    if (e instanceof WriteFailure) throw new FinishFailure(tagged('path', { path: e.error }));
    throw e;
  }
}

class FinishFailure extends Error {
  constructor(readonly error: Union) {
    super(`finish failed: ${error['.tag']}`);
  }
}

export async function sessionFinish(ctx: DropboxContext, call: Call): Promise<Reply> {
  const f = readFinishArg(call.arg, call);
  if (call.body.length > ctx.maxRequestBytes) throw routeError(tagged('payload_too_large'));
  try {
    return { json: await ctx.lock.commit(() => finishOne(ctx, call, f, call.body, false)) };
  } catch (e) {
    if (e instanceof FinishFailure) throw routeError(e.error);
    throw e;
  }
}

/** Commits up to 1 000 closed sessions under one lock, one result per entry, in order. */
async function finishEntries(ctx: DropboxContext, call: Call): Promise<Record<string, unknown>[]> {
  const r = ArgReader.of(call.arg, call.fail);
  const entries = r.list('entries', { maxItems: 1000 }).map((e, i) => readFinishArg(e, call, `entries[${i}].`));
  r.done();
  return ctx.lock.commit(() => {
    // Taken only by a commit that gets the lock: a 429 for the whole batch leaves the fault for the next one.
    const contended = ctx.faults.takeKind({ host: call.host, method: 'POST', route: call.route }, ['batchEntriesContended']);
    const contendedCount = contended?.kind === 'batchEntriesContended' ? (contended.entries ?? entries.length) : 0;
    return entries.map((f, i) => {
      if (i < contendedCount) return { '.tag': 'failure', failure: tagged('too_many_write_operations') };
      try {
        return { '.tag': 'success', ...finishOne(ctx, call, f, Buffer.alloc(0), true) };
      } catch (e) {
        if (e instanceof FinishFailure) return { '.tag': 'failure', failure: e.error };
        throw e;
      }
    });
  });
}

export async function finishBatchV2(ctx: DropboxContext, call: Call): Promise<Reply> {
  return { json: { entries: await finishEntries(ctx, call) } };
}

/**
 * The deprecated asynchronous batch: the work is done at once, but the answer is a job id, and the first check of
 * the job says it is still in progress, so a client has to poll as it would on Dropbox.
 */
export class AsyncBatches {
  private readonly jobs = new Map<string, { entries: Record<string, unknown>[]; checks: number }>();

  async launch(ctx: DropboxContext, call: Call): Promise<Reply> {
    const entries = await finishEntries(ctx, call);
    const id = `dbjid:${randomBytes(24).toString('base64url')}`;
    this.jobs.set(id, { entries, checks: 0 });
    return { json: { '.tag': 'async_job_id', async_job_id: id } };
  }

  check(call: Call): Reply {
    const r = ArgReader.of(call.arg, call.fail);
    const id = r.requiredString('async_job_id', { minLength: 1 });
    r.done();
    const job = this.jobs.get(id);
    if (!job) throw routeError(tagged('invalid_async_job_id'));
    if (job.checks++ === 0) return { json: tagged('in_progress') };
    return { json: { '.tag': 'complete', entries: job.entries } };
  }
}
