// Promise 2 under SIGKILL: the real CLI, killed at many moments (named crash points in the code, a BaseLinker
// request in flight, random times), then run to completion. After every kill and at the end: no file partial,
// nothing deleted or changed, the ledger agrees with the destination; at the end every document exactly once.
//
// BACKUP_CRASH_TRIALS sets the number of trials (12 by default; `npm run test:soak` runs 60), BACKUP_CRASH_SEED
// replays a given sequence (the seed is in the printed tally). Trials are independent worlds and run two at a
// time: the CLI processes, not this file, are the work, and a CI machine has two cores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_ENV, type CrashPoint } from '../../src/lib/crashPoint.js';
import type { DocumentRow } from '../../src/ledger/ledger.js';
import { lanes, sleep, waitFor } from './cliProcess.js';
import { compareWithLedger, deletedOrChanged, duplicatesAndLost, isOrdersCsv, partialFiles, referenceFrom, type Reference } from './checks.js';
import { HARNESS_DESTINATIONS, type HarnessDestination } from './destinations.js';
import { bump, publishTally, seededRandom } from './tally.js';
import { openWorld, type World } from './world.js';

const TRIALS = Number(process.env.BACKUP_CRASH_TRIALS ?? 12);
const SEED = Number(process.env.BACKUP_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FETCH_METHODS = ['getOrderStatusList', 'getOrders', 'getInvoices', 'getReceipts'] as const;
const lane = lanes(2);

type KillStyle = { by: 'crash point'; point: CrashPoint } | { by: 'request in flight' } | { by: 'random time' };

const PHASE_OF_POINT: Record<CrashPoint, string> = {
  'after-reserve': 'reserved, before rendering',
  'after-render': 'rendered, before the upload',
  'mid-write': 'writing the file',
  'after-upload': 'between the upload and its ledger commit',
};

interface Timing {
  firstRequestMs: number;
  durationMs: number;
  requestsByMethod: Record<string, number>;
}

for (const harness of HARNESS_DESTINATIONS) describeCrashTrials(harness);

function describeCrashTrials(harness: HarnessDestination) {
  const styles: KillStyle[] = [
    ...(['after-reserve', 'after-render', ...harness.crashPoints, 'after-upload'] as CrashPoint[]).map((point) => ({ by: 'crash point' as const, point })),
    { by: 'request in flight' },
    { by: 'random time' },
  ];
  const tally = {
    destination: harness.label,
    seed: SEED,
    trials: 0,
    runsStarted: 0,
    kills: 0,
    killsByMethod: {} as Record<string, number>,
    killsByPhase: {} as Record<string, number>,
    /** The crash point was not reached, or the run ended before the timer: it completed instead. */
    runsNotKilled: 0,
    /** Files found at the destination with their ledger row still 'pending' right after a kill (several uploads run at once). */
    uploadsFoundUnrecordedAfterKill: 0,
    /** Orders CSVs of killed runs left 'pending' (complete, kept; see README "Guarantees"). */
    ordersCsvsLeftPending: 0,
    documentsExpectedPerTrial: 0,
    duplicatesFound: 0,
    documentsLost: 0,
    partialFiles: 0,
    filesDeletedOrChanged: 0,
    ledgerDisagreements: 0,
    verifyDisagreements: 0,
    /** Completed trials run once more: it must store nothing but a new orders CSV. */
    reruns: 0,
  };
  let reference: Reference;
  let timing: Timing;

  describe(`crash trials, ${harness.label} destination (seed ${SEED})`, () => {
    beforeAll(async () => {
      const world = await openWorld(harness);
      try {
        const running = world.start();
        const result = await running.result;
        expect(result.code).toBe(0);
        const requestsByMethod: Record<string, number> = {};
        for (const r of world.emulator.requests) bump(requestsByMethod, r.method);
        timing = { firstRequestMs: world.emulator.requests[0]!.at - running.startedAt, durationMs: Date.now() - running.startedAt, requestsByMethod };
        reference = referenceFrom(await world.destination.files());
        tally.documentsExpectedPerTrial = reference.documents.size + 1;
      } finally {
        await world.close();
      }
    });

    afterAll(() => publishTally(`crash-${harness.label}`, tally));

    for (let trial = 0; trial < TRIALS; trial++) {
      it.concurrent(`trial ${trial + 1}: killed, resumed, every document exactly once`, ({ expect }) => lane(async () => {
        const random = seededRandom(SEED + trial);
        const world = await openWorld(harness);
        const problems: string[] = [];
        const seen = new Map<string, Buffer>();
        try {
          const kills = 1 + Math.floor(random() * 3);
          for (let k = 0; k < kills; k++) {
            const style = k === 0 ? styles[trial % styles.length]! : styles[Math.floor(random() * styles.length)]!;
            const { phase, code } = await killOnce(world, style, random);
            if (phase === null) {
              // The crash point was not reached or the timer came too late: the run completed.
              expect(code).toBe(0);
              tally.runsNotKilled++;
            } else {
              tally.kills++;
              bump(tally.killsByMethod, style.by);
              bump(tally.killsByPhase, phase);
            }
            const files = await world.destination.files();
            const rows = world.rows();
            const compared = compareWithLedger(files, rows, { completed: phase === null });
            tally.uploadsFoundUnrecordedAfterKill += compared.unconfirmed.filter((f) => !seen.has(f)).length;
            record('partialFiles', partialFiles(files, reference));
            record('filesDeletedOrChanged', deletedOrChanged(seen, files));
            record('ledgerDisagreements', compared.problems);
            record('ledgerDisagreements', ledgerIntegrity(world));
            for (const [f, bytes] of files) seen.set(f, bytes);
          }

          const done = await world.run();
          expect(done.code, done.stderr).toBe(0);
          const files = await world.destination.files();
          const rows = world.rows();
          const { duplicates, lost } = duplicatesAndLost(files, rows, reference);
          tally.duplicatesFound += duplicates.length;
          tally.documentsLost += lost.length;
          problems.push(...duplicates, ...lost);
          record('partialFiles', partialFiles(files, reference));
          record('filesDeletedOrChanged', deletedOrChanged(seen, files));
          const compared = compareWithLedger(files, rows, { completed: true });
          record('ledgerDisagreements', compared.problems);
          tally.ordersCsvsLeftPending += compared.unconfirmed.length;
          expect(rows.filter((r) => r.kind === 'orders' && r.status === 'stored').length).toBeGreaterThanOrEqual(1);
          expect((await world.destination.unfinishedUploads?.()) ?? 0).toBe(0);

          // A re-run repairs nothing because nothing is broken, and stores nothing but its own orders CSV (every
          // third trial: each run costs a second).
          if (trial % 3 === 2) await rerunStoresNothingNew();

          const verify = await world.cli(['verify']);
          if (verify.code !== 0) {
            tally.verifyDisagreements++;
            problems.push(`backup verify exited ${verify.code}: ${verify.stdout}${verify.stderr}`);
          }
        } finally {
          tally.trials++;
          await world.close();
        }
        expect(problems).toEqual([]);

        async function rerunStoresNothingNew() {
          const before = await world.destination.files();
          const again = await world.run();
          expect(again.code, again.stderr).toBe(0);
          const after = await world.destination.files();
          const addedDocuments = [...after.keys()].filter((f) => !before.has(f) && !isOrdersCsv(f));
          tally.duplicatesFound += addedDocuments.length;
          problems.push(...addedDocuments.map((f) => `${f}: stored again by a re-run`));
          record('filesDeletedOrChanged', deletedOrChanged(before, after));
          tally.reruns++;
        }

        function record(counter: 'partialFiles' | 'filesDeletedOrChanged' | 'ledgerDisagreements', found: string[]) {
          tally[counter] += found.length;
          problems.push(...found);
        }
      }), 300_000);
    }

    it('the trials killed the program in every phase, and found no duplicate and lost nothing', () => {
      expect(tally.trials).toBe(TRIALS);
      if (TRIALS >= styles.length) {
        for (const point of styles.filter((s) => s.by === 'crash point')) expect(tally.killsByPhase[PHASE_OF_POINT[point.point]]).toBeGreaterThan(0);
        expect(tally.killsByMethod['request in flight']).toBeGreaterThan(0);
      }
      expect(tally.kills).toBeGreaterThanOrEqual(TRIALS);
      expect(tally.duplicatesFound).toBe(0);
      expect(tally.documentsLost).toBe(0);
    });
  });

  /** One run, killed as `style` says: the phase it was killed in, or null when it completed instead. */
  async function killOnce(world: World, style: KillStyle, random: () => number): Promise<{ phase: string | null; code: number | null }> {
    tally.runsStarted++;
    const requestsBefore = world.emulator.requests.length;
    if (style.by === 'crash point') {
      const rows = world.rows();
      const documents = reference.documents.size + 1;
      // Hits left in this run: a reservation only for documents without one, the other points for every one not stored.
      const left = style.point === 'after-reserve' ? documents - rows.filter((r) => r.kind !== 'orders').length : documents - storedDocuments(rows);
      const n = 1 + Math.floor(random() * Math.max(1, left));
      const result = await world.start([], { [CRASH_ENV]: `${style.point}:${n}` }).result;
      return { phase: result.signal === 'SIGKILL' ? PHASE_OF_POINT[style.point] : null, code: result.code };
    }

    if (style.by === 'request in flight') {
      // Slow down the first j requests of one method, and kill while the j-th is being answered.
      const method = FETCH_METHODS[Math.floor(random() * FETCH_METHODS.length)]!;
      const j = 1 + Math.floor(random() * (timing.requestsByMethod[method] ?? 1));
      world.emulator.injectFault({ kind: 'delay', method, times: j, delayMs: 400 });
      const running = world.start();
      const arrived = await waitFor(() => world.emulator.requests.slice(requestsBefore).filter((r) => r.method === method && r.fault === 'delay').length >= j, running);
      if (!arrived) return { phase: null, code: (await running.result).code };
      await sleep(random() * 300);
      await running.kill();
      return { phase: `fetching: ${method} in flight`, code: null };
    }

    // A random moment of the run's working part (start-up holds no document state): counted from its first request,
    // stretched by however much slower than the calibration run this one started (trials share the machine).
    const running = world.start();
    if (!(await waitFor(() => world.emulator.requests.length > requestsBefore, running))) return { phase: null, code: (await running.result).code };
    const slowdown = Math.max(1, (Date.now() - running.startedAt) / timing.firstRequestMs);
    const at = random() * (timing.durationMs - timing.firstRequestMs) * slowdown;
    const ended = await Promise.race([running.result.then(() => true), sleep(at).then(() => false)]);
    if (ended) return { phase: null, code: (await running.result).code };
    await running.kill();
    return { phase: await classify(world), code: null };
  }

  /** Where a kill at a random time landed, read from what it left behind. */
  async function classify(world: World): Promise<string> {
    const rows = world.rows();
    const lastRun = Math.max(0, ...world.runs().map((r) => r.id));
    const pending = rows.filter((r) => r.status === 'pending' && r.run_id === lastRun);
    const files = await world.destination.files();
    if (pending.some((r) => files.has(`${r.folder}/${r.name}`))) return PHASE_OF_POINT['after-upload'];
    if (pending.length > 0 && ((await world.destination.unfinishedUploads?.()) ?? 0) > 0) return PHASE_OF_POINT['mid-write'];
    if (pending.length > 0) return 'rendering or starting an upload';
    return 'fetching, or between documents';
  }
}

function storedDocuments(rows: readonly DocumentRow[]): number {
  return rows.filter((r) => r.status === 'stored' && r.kind !== 'orders').length;
}

/** The ledger a killed run left is a sound SQLite database in WAL mode. */
function ledgerIntegrity(world: World): string[] {
  if (world.runs().length === 0) return [];
  const [check] = world.query<{ integrity_check: string }>('PRAGMA integrity_check');
  const [mode] = world.query<{ journal_mode: string }>('PRAGMA journal_mode');
  const problems: string[] = [];
  if (check?.integrity_check !== 'ok') problems.push(`ledger integrity: ${JSON.stringify(check)}`);
  if (mode?.journal_mode !== 'wal') problems.push(`ledger journal mode: ${JSON.stringify(mode)}`);
  return problems;
}
