// Many files, committed together, as Dropbox recommends for bulk uploads (its performance guide; rclone's batch
// mode "sync"): each file goes up into its own upload session (upload_session/start with close: true, the whole
// body in one request up to 8 MiB), and up to 1 000 sessions are committed by ONE upload_session/finish_batch_v2.
// Every commit takes the namespace's lock, so commits go through the account's lane (lane.ts), one at a time. A 429
// too_many_write_operations for the whole batch waits exactly the retry_after Dropbox names (the API door); entries
// that Dropbox answers one by one with too_many_write_operations are committed again in a later round, their sessions
// still holding the bytes.
//
// A batch is committed when it is full; when no file is going up any more and none has joined for `idleMs`; when the
// oldest entry has waited `maxWaitMs` for files still going up; and on close(). The idle commit matters most: a run
// hands over only a few documents at once (deliver.ts) and each waits for its own commit, so a batch is never full
// and must not wait for a fill that cannot come. Each caller awaits its own file's outcome: created, identical,
// conflict, or error. add() never throws; after close() the batcher takes files again (verify --repair stores after
// the run's close).
import { backoffDelay } from '../../lib/backoff.js';
import type { Body } from '../destination.js';
import { addOnly, committedUnseen, conflictOf, nextStamp, storedOutcome, type Conflict, type Stored } from './commit.js';
import { dropboxContentHash } from './contentHash.js';
import type { DropboxApi } from './dropboxApi.js';
import { DropboxRouteError, judge } from './errors.js';
import { commitLane, type CommitLane } from './lane.js';
import { checkedPath } from './names.js';
import { sendToSession, type ClosedSession } from './session.js';
import { parseBatchResults, tagsOf } from './wire.js';

export const MAX_BATCH = 1000;
/**
 * How long nothing may happen before what waits is committed: long enough for the documents the run is rendering
 * meanwhile to join, short against the commit itself (measured in `npm run bench`).
 */
export const IDLE_MS = 50;
/** A large file going up (an orders CSV in 8 MiB pieces) holds the documents waiting beside it back no longer. */
export const MAX_WAIT_MS = 2000;

export interface BatcherOptions {
  /** Entries per finish_batch_v2, at most 1 000 (Dropbox's limit). */
  maxEntries?: number;
  /** Commit what waits once no file has been going up or joined for this long. */
  idleMs?: number;
  /** Commit what waits once its oldest entry has waited this long, whatever is still going up. */
  maxWaitMs?: number;
  /** Commits tried per entry that Dropbox answers with too_many_write_operations. */
  entryAttempts?: number;
  /** The account's lane, shared with every other writer into the account; a lane of its own by default. */
  lane?: CommitLane;
}

export type BatchOutcome = Stored | Conflict | { outcome: 'error'; error: Error };

export interface Batcher {
  /** `contentHash` when the caller has it already (the body is not read twice for it). */
  add(file: { path: string; body: Body; contentHash?: string }): Promise<BatchOutcome>;
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

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

export function createBatcher(api: DropboxApi, o: BatcherOptions = {}): Batcher {
  const max = Math.max(1, Math.min(o.maxEntries ?? MAX_BATCH, MAX_BATCH));
  const idleMs = o.idleMs ?? IDLE_MS;
  const entryAttempts = o.entryAttempts ?? 5;
  const lane = o.lane ?? commitLane();
  const maxWaitMs = o.maxWaitMs ?? MAX_WAIT_MS;
  const waiting: Entry[] = [];
  /** Files whose bytes are still going up, before they wait for a commit: each settles once it is in the queue. */
  const sending = new Set<Promise<void>>();
  const committing = new Set<Promise<void>>();
  let idle: NodeJS.Timeout | null = null;
  let overdue: NodeJS.Timeout | null = null;
  let commits = 0;

  function flush(): void {
    for (const timer of [idle, overdue]) if (timer) clearTimeout(timer);
    idle = overdue = null;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, max);
      const done = lane.run(() => commit(batch));
      committing.add(done);
      void done.finally(() => committing.delete(done));
    }
  }

  /** A file began going up, or ended going up: what waits is committed once that has stopped for a moment. */
  function stir(): void {
    if (idle) clearTimeout(idle);
    idle = null;
    if (waiting.length === 0) return;
    if (sending.size === 0) idle = setTimeout(flush, idleMs);
    overdue ??= setTimeout(flush, maxWaitMs);
  }

  function enqueue(entry: Entry): void {
    waiting.push(entry);
    if (waiting.length >= max) flush();
    else stir();
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
          if (r.ok) return e.resolve(outcomeOf(() => storedOutcome(r.metadata, stamps[i]!, e.hash)));
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
      let settle!: () => void;
      const going = new Promise<void>((resolve) => (settle = resolve));
      sending.add(going);
      stir();
      const sent = () => {
        sending.delete(going);
        settle();
      };
      return (async (): Promise<BatchOutcome> => {
        try {
          const path = checkedPath(file.path);
          const hash = file.contentHash ?? (await dropboxContentHash(file.body));
          const session = await sendToSession(api, file.body);
          return await new Promise<BatchOutcome>((resolve) => {
            sent();
            enqueue({ path, hash, session, tries: 0, resolve });
          });
        } catch (error) {
          sent();
          stir();
          return { outcome: 'error', error: asError(error) };
        }
      })();
    },

    async close() {
      // Files still going up join the last batch; then everything waiting is committed.
      while (sending.size + waiting.length + committing.size > 0) {
        if (sending.size > 0) await Promise.all([...sending]);
        flush();
        if (committing.size > 0) await Promise.all([...committing]);
      }
    },
  };
}

function outcomeOf(outcome: () => BatchOutcome): BatchOutcome {
  try {
    return outcome();
  } catch (error) {
    return { outcome: 'error', error: asError(error) };
  }
}
