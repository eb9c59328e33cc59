// Many files, committed together, as Dropbox recommends for bulk uploads (its performance guide; rclone's batch
// mode "sync"): each file goes up into its own upload session (upload_session/start with close: true, the whole
// body in one request up to 8 MiB), and up to 1 000 sessions are committed by ONE upload_session/finish_batch_v2.
// Every commit takes the namespace's lock, so commits contend when they overlap: only one batch per account is
// committed at a time (rclone lib/batcher: "you may only have one batch being committed and must wait for the batch
// to be finished before committing another"). A 429 too_many_write_operations for the whole batch waits exactly the
// retry_after Dropbox names (the API door); entries that Dropbox answers one by one with too_many_write_operations
// are committed again in a later round, their sessions still holding the bytes.
//
// A batch is committed when it is full, when no file was added for `idleMs`, and on close(). Each caller awaits its
// own file's outcome: created, identical, conflict, or error. add() never throws.
import { backoffDelay } from '../../lib/backoff.js';
import type { Body } from '../destination.js';
import { addOnly, committedUnseen, conflictOf, nextStamp, storedOutcome, type Conflict, type Stored } from './commit.js';
import { dropboxContentHash } from './contentHash.js';
import type { DropboxApi } from './dropboxApi.js';
import { DropboxRouteError, judge } from './errors.js';
import { checkedPath } from './names.js';
import { sendToSession, type ClosedSession } from './session.js';
import { parseBatchResults, tagsOf } from './wire.js';

export const MAX_BATCH = 1000;

export interface BatcherOptions {
  /** Entries per finish_batch_v2, at most 1 000 (Dropbox's limit). */
  maxEntries?: number;
  /** Commit what waits once no file has been added for this long (rclone's sync batches: 500 ms). */
  idleMs?: number;
  /** Commits tried per entry that Dropbox answers with too_many_write_operations. */
  entryAttempts?: number;
}

export type BatchOutcome = Stored | Conflict | { outcome: 'error'; error: Error };

export interface Batcher {
  add(file: { path: string; body: Body }): Promise<BatchOutcome>;
  /** Commits what waits and resolves when every added file has its outcome. */
  close(): Promise<void>;
  /** finish_batch_v2 calls answered so far. */
  readonly commits: number;
}

interface Entry {
  path: string;
  hash: string;
  session: ClosedSession;
  tries: number;
  resolve(outcome: BatchOutcome): void;
}

const ROUTE = 'files/upload_session/finish_batch_v2';

/** The last commit of each account: the next waits for it. */
const commitsInFlight = new WeakMap<DropboxApi, Promise<void>>();

function oneCommitAtATime(api: DropboxApi, work: () => Promise<void>): Promise<void> {
  const next = (commitsInFlight.get(api) ?? Promise.resolve()).then(work);
  commitsInFlight.set(api, next);
  return next;
}

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

export function createBatcher(api: DropboxApi, o: BatcherOptions = {}): Batcher {
  const max = Math.max(1, Math.min(o.maxEntries ?? MAX_BATCH, MAX_BATCH));
  const idleMs = o.idleMs ?? 500;
  const entryAttempts = o.entryAttempts ?? 5;
  const waiting: Entry[] = [];
  /** Files whose bytes are still going up, before they wait for a commit. */
  const sending = new Set<Promise<void>>();
  const committing = new Set<Promise<void>>();
  let idle: NodeJS.Timeout | null = null;
  let closed = false;
  let commits = 0;

  function flush(): void {
    if (idle) clearTimeout(idle);
    idle = null;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, max);
      const done = oneCommitAtATime(api, () => commit(batch));
      committing.add(done);
      void done.finally(() => committing.delete(done));
    }
  }

  function enqueue(entry: Entry): void {
    waiting.push(entry);
    if (waiting.length >= max) flush();
    else {
      if (idle) clearTimeout(idle);
      idle = setTimeout(flush, idleMs);
    }
  }

  /** Commits one batch, then again the entries Dropbox answered with too_many_write_operations. Never throws. */
  async function commit(batch: Entry[]): Promise<void> {
    for (let round = 1, todo = batch; todo.length > 0; round++) {
      const stamps: string[] = [];
      let results;
      try {
        const answer = await api.call({
          route: ROUTE,
          style: 'rpc',
          // Fresh stamps on every attempt: an attempt whose answer was lost must not pass for a later one.
          arg: () => ({ entries: todo.map((e, i) => ({ cursor: { session_id: e.session.sessionId, offset: e.session.size }, commit: addOnly(e.path, (stamps[i] = nextStamp(api, e.path))) })) }),
        });
        results = parseBatchResults(answer, todo.length);
      } catch (error) {
        for (const e of todo) e.resolve({ outcome: 'error', error: asError(error) });
        return;
      }
      commits++;
      const again: Entry[] = [];
      await Promise.all(
        results.map(async (r, i) => {
          const e = todo[i]!;
          if (r.ok) return e.resolve(settle(() => storedOutcome(r.metadata, stamps[i]!, e.hash)));
          const tags = tagsOf(r.failure);
          if (tags[0] === 'too_many_write_operations' && ++e.tries < entryAttempts) return void again.push(e);
          e.resolve(await entryFailure(e, tags, r.failure));
        }),
      );
      todo = again;
      if (todo.length > 0) await api.clock.sleep(backoffDelay(round, { baseMs: 1000, maxMs: 30_000 }));
    }
  }

  async function entryFailure(e: Entry, tags: string[], failure: unknown): Promise<BatchOutcome> {
    const conflict = conflictOf(tags, e.path);
    if (conflict) return conflict;
    if (tags[0] === 'lookup_failed') {
      // The session is gone: a commit whose answer was lost may have taken it.
      const ours = await committedUnseen(api, e.path, e.hash).catch(() => null);
      if (ours) return ours;
    }
    const error = new DropboxRouteError(ROUTE, 200, failure);
    const verdict = judge(error);
    return { outcome: 'error', error: verdict.retry ? error : verdict.error };
  }

  return {
    get commits() {
      return commits;
    },

    add(file) {
      if (closed) return Promise.resolve({ outcome: 'error', error: new Error('the Dropbox batch is closed') });
      let queued!: () => void;
      const inQueue = new Promise<void>((resolve) => (queued = resolve));
      sending.add(inQueue);
      void inQueue.finally(() => sending.delete(inQueue));
      return (async (): Promise<BatchOutcome> => {
        try {
          const path = checkedPath(file.path);
          const hash = await dropboxContentHash(file.body);
          const session = await sendToSession(api, file.body);
          return await new Promise<BatchOutcome>((resolve) => {
            enqueue({ path, hash, session, tries: 0, resolve });
            queued();
          });
        } catch (error) {
          queued();
          return { outcome: 'error', error: asError(error) };
        }
      })();
    },

    async close() {
      closed = true;
      // Files still going up join the last batch; then everything waiting is committed.
      while (sending.size > 0) await Promise.all([...sending]);
      flush();
      while (committing.size > 0) await Promise.all([...committing]);
    },
  };
}

function settle(outcome: () => BatchOutcome): BatchOutcome {
  try {
    return outcome();
  } catch (error) {
    return { outcome: 'error', error: asError(error) };
  }
}
