// End to end: the real CLI (bin/backup.js in a child process) against both emulators over HTTP, with a large
// generated account (emulators/baselinker/largeShop.ts). Three scenarios, each in a fresh data dir:
// - large: 20 000 orders, 5 000 invoices, 2 000 receipts into Google Drive, every pacing and limit off: speed,
//   peak RSS, BaseLinker requests per list against the minimum ceil(n/100), Drive requests per stored document;
// - growth: the orders scan alone (`--only orders`, a local folder) at 10 000 and 40 000 orders: peak RSS;
// - compressed: both emulators enforce the real limits (BaseLinker 100 requests per rolling minute, then a 5-minute
//   block; Drive 3 writes per second, then 403 userRateLimitExceeded) on a clock running a few times faster,
//   which the CLI shares (BACKUP_TIME_SCALE, lib/clock.ts): the rate we achieve against the rate allowed.
// Then the issue's targets, PASS or FAIL. Every server listens on 127.0.0.1 and is closed, every child is bounded
// by a time limit, and the work dirs are removed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { daysBefore, resolveAsOf } from '../../src/backup/asOf.js';
import { largeShop } from '../emulators/baselinker/largeShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator, type BaseLinkerEmulatorOptions } from '../emulators/baselinker/server.js';
import type { Shop } from '../emulators/baselinker/shop.js';
import { WRITE_PACE_SHARE } from '../../src/destinations/gdrive/driveApi.js';
import { driveCliEnv } from '../emulators/drive/cliEnv.js';
import { startDriveEmulator, type DriveEmulator, type DriveEmulatorOptions, type RequestRecord } from '../emulators/drive/server.js';
import { scaledClock, TIME_SCALE_ENV } from '../../src/lib/clock.js';
import { runCli, type CliRun } from './cliRun.js';
import { count, mb, overhead, percent, seconds, signedPercent, type BenchRow, type BenchSection } from './report.js';

const AS_OF = '2026-11-20';
const TIME_ZONE = 'Europe/Warsaw';
const TOKEN = 'bench-token-not-a-secret';
/** The defaults of orders.lookbackDays and gdrive.writesPerSecond, and BaseLinker's own limit. */
const LOOKBACK_DAYS = 90;
const DRIVE_WRITES_PER_SECOND = 3;
const BASELINKER_LIMIT_PER_MINUTE = 100;

const LARGE = { orders: 20_000, invoices: 5_000, receipts: 2_000 };
/**
 * The orders scan streams page by page, but the records of each page live long enough to reach V8's old generation,
 * which V8 lets fill up (about 28 MB live, 60–100 MB used) before its first full collection. A run of fewer than
 * about 80 000 orders ends before that collection, so its peak still rises with the orders; past it, the peak stays
 * put. Flatness is judged from 80 000 to 160 000 orders; the smaller runs show the rise before.
 */
const GROWTH_ORDERS = [10_000, 40_000, 80_000, 160_000] as const;
/**
 * Long enough at the paced rates to be "sustained" (about 80 s of paced orders scan and 3.5 minutes of paced
 * uploads, in compressed time), short enough to take under two minutes. Our BaseLinker budget is set to 95 of the
 * 100 a minute: as close to the limit as a client would dare, where a careless one gets blocked. Time runs only 3
 * times faster: the delays between our pacer and the emulator (the event loop, the loopback, a busy machine) stay
 * real, so each step of compression makes them count for more against a one-second window.
 */
const COMPRESSED = { orders: 12_000, invoices: 400, receipts: 200, timeScale: 3, requestsPerMinute: 95 };

const TARGETS = { listOverhead: 0.05, driveRequestsPerDocument: 1.1, writeRateShare: 0.9, rejectedShare: 0.01, peakRssMb: 300, rssGrowth: 0.1 };

// ---------------------------------------------------------------------------------------------------------------

interface World {
  baselinker: BaseLinkerEmulator;
  drive: DriveEmulator;
  workDir: string;
  /** Runs the CLI with the emulators' settings plus `env`; a failed run stops the benchmark with its stderr. */
  cli(args: string[], env: Record<string, string>, timeoutMs: number): Promise<CliRun>;
}

async function withWorld<T>(
  shop: Shop,
  options: { baselinker?: Partial<BaseLinkerEmulatorOptions>; drive?: DriveEmulatorOptions },
  fn: (w: World) => Promise<T>,
): Promise<T> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'blb-bench-'));
  let baselinker: BaseLinkerEmulator | null = null;
  let drive: DriveEmulator | null = null;
  try {
    baselinker = await startBaseLinkerEmulator({ token: TOKEN, shop, ...options.baselinker });
    drive = await startDriveEmulator(options.drive);
    const bl = baselinker;
    const dr = drive;
    const baseEnv: Record<string, string> = {
      BASELINKER_TOKEN: TOKEN,
      BASELINKER_API_URL: bl.url,
      BACKUP_DATA_DIR: path.join(workDir, 'data'),
      BACKUP_TIMEZONE: TIME_ZONE,
      BACKUP_LOG_FORMAT: 'json',
      ...driveCliEnv(dr),
    };
    return await fn({
      baselinker: bl,
      drive: dr,
      workDir,
      async cli(args, env, timeoutMs) {
        const run = await runCli(args, { ...baseEnv, ...env }, { workDir, timeoutMs });
        if (run.leftLoopback && run.leftLoopback.length > 0) throw new Error(`the CLI tried to leave 127.0.0.1: ${run.leftLoopback.join(', ')}`);
        if (run.code !== 0) {
          throw new Error(`backup ${args.join(' ')} ended with ${run.code ?? run.signal} after ${seconds(run.wallMs)}:\n${run.stderrTail}`);
        }
        return run;
      },
    });
  } finally {
    await Promise.all([baselinker?.close(), drive?.close()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const once = <T>(fn: () => Promise<T>): (() => Promise<T>) => {
  let result: Promise<T> | null = null;
  return () => (result ??= fn());
};

const progress = (what: string) => process.stderr.write(`  (end to end: ${what} …)\n`);

// ---------------------------------------------------------------------------------------------------------------

interface ListFigure {
  method: string;
  entries: number;
  requests: number;
  minimum: number;
}

interface LargeResult {
  run: CliRun;
  /** The same account's next run with its data dir lost: what adopting every stored copy costs. */
  adoption: { run: CliRun; driveRequests: number; lists: number; uploads: number };
  stored: number;
  lists: ListFigure[];
  baselinkerTotal: number;
  /** The requests besides the three lists, by method: the official PDFs, the status names. */
  baselinkerOthers: string;
  driveRequests: number;
  driveByKind: string;
  tokenRequests: number;
}

/** The entries each list's scan has to read in a first run as of AS_OF with a full backfill and default settings. */
function listEntries(shop: Shop): Record<'getOrders' | 'getInvoices' | 'getReceipts', number> {
  const asOf = resolveAsOf(AS_OF, Date.now(), TIME_ZONE);
  const horizon = daysBefore(asOf, LOOKBACK_DAYS);
  return {
    getOrders: shop.orders.filter((o) => o.confirmed && o.date_confirmed >= horizon).length,
    getInvoices: shop.invoices.filter((i) => !i.external).length,
    getReceipts: shop.receipts.filter((r) => r.date_add <= asOf.end).length,
  };
}

const large = once(async (): Promise<LargeResult> => {
  progress(`large account, ${count(LARGE.orders)} orders, ${count(LARGE.invoices)} invoices, ${count(LARGE.receipts)} receipts, pacing off`);
  const shop = largeShop({ asOf: AS_OF, timeZone: TIME_ZONE, ...LARGE });
  const entries = listEntries(shop);
  const unpaced = { BACKUP_DESTINATION: 'gdrive', BACKUP_BACKFILL_FROM: 'all', BASELINKER_REQUESTS_PER_MINUTE: '0', GDRIVE_WRITES_PER_SECOND: '0' };
  const limitsOff = { baselinker: { requestsPerMinute: 1_000_000 }, drive: { writesPerSecond: 0 } };
  return withWorld(shop, limitsOff, async (w) => {
    const drawn = await drawOfficialPdfs(w, shop);
    const run = await w.cli(['run', '--date', AS_OF], unpaced, 8 * 60_000);
    const stored = w.drive.tree().filter((p) => !p.endsWith('/')).length;
    const requests = w.baselinker.requests.slice(drawn);
    const byMethod = tallyBy(requests, (r) => r.method);
    const lists = (['getOrders', 'getInvoices', 'getReceipts'] as const).map((method) => ({
      method,
      entries: entries[method],
      requests: byMethod.get(method) ?? 0,
      minimum: Math.ceil(entries[method] / 100),
    }));
    const driveCalls = w.drive.requests.filter((r) => r.path !== '/token');
    const tokenRequests = w.drive.requests.length - driveCalls.length;
    const baselinkerTotal = requests.length;
    const others = [...byMethod].filter(([method]) => !lists.some((l) => l.method === method));
    // The data dir is lost: a new one meets the destination, adopts what is there and stores nothing again.
    progress(`the same account with its data dir lost: adopting ${count(stored)} stored copies`);
    const before = w.drive.requests.length;
    const adopting = await w.cli(['run', '--date', AS_OF, '--only', 'invoices,receipts'], { ...unpaced, BACKUP_DATA_DIR: path.join(w.workDir, 'data-again') }, 8 * 60_000);
    const adoptionCalls = w.drive.requests.slice(before).filter((r) => r.path !== '/token');
    return {
      run,
      adoption: {
        run: adopting,
        driveRequests: adoptionCalls.length,
        lists: adoptionCalls.filter((r) => r.method === 'GET' && r.path === '/drive/v3/files').length,
        uploads: adoptionCalls.filter((r) => r.path.startsWith('/upload/')).length,
      },
      stored,
      lists,
      baselinkerTotal,
      baselinkerOthers: others.map(([method, n]) => `${count(n)} ${method}`).join(', '),
      driveRequests: driveCalls.length,
      driveByKind: [...tallyBy(driveCalls, driveCallKind)].map(([k, n]) => `${count(n)} ${k}`).join(', '),
      tokenRequests,
    };
  });
});

/**
 * Asks the emulator for every official PDF once before the measured run, so that the run measures the CLI and not
 * the emulator drawing 5 000 PDFs on the same two cores (it keeps what it drew). Returns the requests this made.
 */
async function drawOfficialPdfs(w: World, shop: Shop): Promise<number> {
  progress('the emulator draws each official PDF once, before the measured run');
  const ids = shop.invoices.filter((i) => !i.external).map((i) => i.invoice_id);
  const ask = (invoiceId: number) =>
    fetch(w.baselinker.url, {
      method: 'POST',
      headers: { 'X-BLToken': TOKEN },
      body: new URLSearchParams({ method: 'getInvoiceFile', parameters: JSON.stringify({ invoice_id: invoiceId }) }),
    }).then((r) => r.arrayBuffer());
  for (let k = 0; k < ids.length; k += 8) await Promise.all(ids.slice(k, k + 8).map(ask));
  return w.baselinker.requests.length;
}

async function largeRows(): Promise<BenchRow[]> {
  const r = await large();
  const wall = r.run.wallMs / 1000;
  return [
    { what: 'wall time, spawn to exit', figure: seconds(r.run.wallMs), note: `exit ${r.run.code}` },
    { what: 'documents stored in Drive', figure: count(r.stored), note: `${count(LARGE.invoices)} invoices, ${count(LARGE.receipts)} receipts, the orders and order-items CSVs, the cutoff record` },
    { what: 'documents per second', figure: (r.stored / wall).toFixed(0), note: 'rendered, uploaded and recorded in the ledger' },
    { what: 'peak RSS of the CLI (render threads included)', figure: mb(r.run.peakRssKb), note: 'as `npx backup run` runs it' },
    ...r.lists.map((l) => ({
      what: `BaseLinker ${l.method}, ${count(l.entries)} entries`,
      figure: `${l.requests} requests`,
      note: `minimum ceil(n/100) = ${l.minimum}, ${overhead(l.requests, l.minimum)}`,
    })),
    { what: 'BaseLinker requests in all', figure: count(r.baselinkerTotal), note: `the lists, ${r.baselinkerOthers}` },
    { what: 'Drive requests per stored document', figure: (r.driveRequests / r.stored).toFixed(3), note: `${count(r.driveRequests)}: ${r.driveByKind}` },
    { what: 'OAuth token requests (not Drive API)', figure: String(r.tokenRequests) },
    {
      what: `data dir lost: next run adopts ${count(r.stored)} stored copies`,
      figure: seconds(r.adoption.run.wallMs),
      note: `${r.adoption.driveRequests} Drive requests (${r.adoption.lists} listings), ${r.adoption.uploads} uploads; the run also rescans ${count(LARGE.invoices)} invoices and ${count(LARGE.receipts)} receipts`,
    },
    {
      what: 'connections attempted outside 127.0.0.1',
      figure: r.run.leftLoopback === null ? 'n/a' : String(r.run.leftLoopback.length),
      note: r.run.leftLoopback === null ? 'the network guard is not in this checkout' : "the tests' network guard, loaded into every CLI run here",
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------

interface GrowthResult {
  orders: number;
  run: CliRun;
  getOrders: number;
}

const growth = once(async (): Promise<GrowthResult[]> => {
  const results: GrowthResult[] = [];
  for (const orders of GROWTH_ORDERS) {
    progress(`orders scan alone, ${count(orders)} orders`);
    const shop = largeShop({ asOf: AS_OF, timeZone: TIME_ZONE, orders, invoices: 0, receipts: 0 });
    results.push(
      await withWorld(shop, { baselinker: { requestsPerMinute: 1_000_000 } }, async (w) => {
        const run = await w.cli(
          ['run', '--date', AS_OF, '--only', 'orders'],
          { BACKUP_DESTINATION: `local:${path.join(w.workDir, 'backup')}`, BASELINKER_REQUESTS_PER_MINUTE: '0' },
          4 * 60_000,
        );
        return { orders, run, getOrders: w.baselinker.requests.filter((r) => r.method === 'getOrders').length };
      }),
    );
  }
  return results;
});

async function growthRows(): Promise<BenchRow[]> {
  const results = await growth();
  return results.map((g, k) => ({
    what: `${count(g.orders)} orders scanned into one CSV`,
    figure: mb(g.run.peakRssKb),
    note: `${seconds(g.run.wallMs)}, ${g.getOrders} getOrders${k === 0 ? '' : `; ${signedPercent(growthOf(g, results[k - 1]!))} for ${(g.orders / results[k - 1]!.orders).toFixed(0)}× the orders`}`,
  }));
}

const growthOf = (g: GrowthResult, base: GrowthResult) => (g.run.peakRssKb ?? NaN) / (base.run.peakRssKb ?? NaN) - 1;

// ---------------------------------------------------------------------------------------------------------------

interface CompressedResult {
  run: CliRun;
  /** Compressed-time figures. */
  ordersScanPerMinute: number;
  getOrders: number;
  peakRequestsInAMinute: number;
  blocked: number;
  baselinkerRequests: number;
  writesAccepted: number;
  writesRejected: number;
  writesPerSecond: number;
  writePhaseSeconds: number;
}

const compressed = once(async (): Promise<CompressedResult> => {
  const { timeScale, requestsPerMinute } = COMPRESSED;
  progress(`limits enforced, time ${timeScale}× faster, ${count(COMPRESSED.orders)} orders, ${COMPRESSED.invoices} invoices, ${COMPRESSED.receipts} receipts`);
  const shop = largeShop({ asOf: AS_OF, timeZone: TIME_ZONE, orders: COMPRESSED.orders, invoices: COMPRESSED.invoices, receipts: COMPRESSED.receipts });
  // One compressed clock for the CLI and both emulators, from one origin: a minute of BaseLinker's window, a second
  // of Drive's and the times in a block message are all the same compressed time on both sides.
  const origin = Date.now();
  const now = scaledClock(timeScale, origin).now;
  return withWorld(
    shop,
    {
      baselinker: { requestsPerMinute: BASELINKER_LIMIT_PER_MINUTE, blockSeconds: 300, now },
      // Access tokens last an hour of real time, as the client library (on the real clock) expects.
      drive: { writesPerSecond: DRIVE_WRITES_PER_SECOND, now, accessTokenTtlSeconds: 3599 * timeScale },
    },
    async (w) => {
      const run = await w.cli(
        ['run', '--date', AS_OF],
        {
          BACKUP_DESTINATION: 'gdrive',
          BACKUP_BACKFILL_FROM: 'all',
          BASELINKER_REQUESTS_PER_MINUTE: String(requestsPerMinute),
          GDRIVE_WRITES_PER_SECOND: String(DRIVE_WRITES_PER_SECOND),
          // Our rendering: with BaseLinker's own PDFs each invoice waits for a request at the BaseLinker pace (95 a
          // minute, 1.6 a second), which would then bound the uploads, and this run measures Drive's pacing.
          BACKUP_INVOICES_PDF: 'render',
          [TIME_SCALE_ENV]: `${timeScale}@${origin}`,
        },
        5 * 60_000,
      );
      const bl = w.baselinker.requests;
      const scan = bl.filter((r) => r.method === 'getOrders').map((r) => r.at);
      // The orders scan stores nothing until its CSVs at the end: its minutes between the invoices' uploads and the
      // receipts' are BaseLinker's, not Drive's, and are left out of the time the writes are measured over.
      const [scanStart, scanEnd] = [Math.min(...scan), Math.max(...scan)];
      const writes = w.drive.requests.filter(isWrite);
      const accepted = writes.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.at);
      const [first, last] = [accepted[0] ?? 0, accepted.at(-1) ?? 0];
      const phaseMs = last - first - Math.max(0, Math.min(last, scanEnd) - Math.max(first, scanStart));
      return {
        run,
        ordersScanPerMinute: ratePer(scan, 60_000),
        getOrders: scan.length,
        peakRequestsInAMinute: peakInWindow(bl.map((r) => r.at), 60_000),
        blocked: bl.filter((r) => r.errorCode === 'ERROR_BLOCKED_TOKEN').length,
        baselinkerRequests: bl.length,
        writesAccepted: accepted.length,
        writesRejected: writes.filter((r) => r.status === 403 || r.status === 429).length,
        writesPerSecond: ((accepted.length - 1) * 1000) / phaseMs,
        writePhaseSeconds: phaseMs / 1000,
      };
    },
  );
});

async function compressedRows(): Promise<BenchRow[]> {
  const c = await compressed();
  const attempts = c.writesAccepted + c.writesRejected;
  return [
    { what: 'time scale (CLI and both emulators)', figure: `${COMPRESSED.timeScale}×`, note: `${seconds(c.run.wallMs)} of real time` },
    { what: 'peak RSS of the CLI, paced', figure: mb(c.run.peakRssKb) },
    {
      what: `BaseLinker, orders scan (${c.getOrders} getOrders)`,
      figure: `${c.ordersScanPerMinute.toFixed(1)}/min`,
      note: `${percent(c.ordersScanPerMinute / BASELINKER_LIMIT_PER_MINUTE)} of the 100/min limit, ${percent(c.ordersScanPerMinute / COMPRESSED.requestsPerMinute)} of our budget (${COMPRESSED.requestsPerMinute}/min)`,
    },
    { what: 'BaseLinker, most requests in any rolling minute', figure: String(c.peakRequestsInAMinute), note: `of ${c.baselinkerRequests} in the run` },
    { what: 'BaseLinker, blocked-token answers', figure: String(c.blocked) },
    {
      what: `Drive writes accepted, over ${c.writePhaseSeconds.toFixed(0)} s of uploads (the orders scan left out)`,
      figure: `${c.writesPerSecond.toFixed(2)}/s`,
      note: `${percent(c.writesPerSecond / DRIVE_WRITES_PER_SECOND)} of the allowed ${DRIVE_WRITES_PER_SECOND}/s (we pace at ${percent(WRITE_PACE_SHARE)} of it); ${count(c.writesAccepted)} writes`,
    },
    {
      what: 'Drive writes rejected (403 userRateLimitExceeded, 429)',
      figure: String(c.writesRejected),
      note: `${percent(c.writesRejected / Math.max(1, attempts), 2)} of ${count(attempts)} attempts`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------

async function targetRows(): Promise<BenchRow[]> {
  const [l, g, c] = [await large(), await growth(), await compressed()];
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const worstList = l.lists.reduce((worst, x) => (x.requests / x.minimum > worst.requests / worst.minimum ? x : worst));
  const perDocument = l.driveRequests / l.stored;
  const attempts = c.writesAccepted + c.writesRejected;
  const writeShare = c.writesPerSecond / DRIVE_WRITES_PER_SECOND;
  const rejectedShare = c.writesRejected / Math.max(1, attempts);
  const budgetShare = c.ordersScanPerMinute / COMPRESSED.requestsPerMinute;
  const peaks = [l.run.peakRssKb, ...g.map((x) => x.run.peakRssKb), c.run.peakRssKb].map((kb) => (kb ?? Infinity) / 1024);
  const peak = Math.max(...peaks);
  const grew = growthOf(g.at(-1)!, g.at(-2)!);
  return [
    {
      what: `BaseLinker requests within ${percent(TARGETS.listOverhead)} of ceil(n/100), each list`,
      figure: verdict(l.lists.every((x) => x.requests <= x.minimum * (1 + TARGETS.listOverhead))),
      note: `worst: ${worstList.method} ${overhead(worstList.requests, worstList.minimum)}`,
    },
    {
      what: `at most ${TARGETS.driveRequestsPerDocument} Drive requests per stored document`,
      figure: verdict(perDocument <= TARGETS.driveRequestsPerDocument),
      note: perDocument.toFixed(3),
    },
    {
      what: `≥ ${percent(TARGETS.writeRateShare)} of the allowed write rate, no block, ≤ ${percent(TARGETS.rejectedShare)} rejected`,
      figure: verdict(writeShare >= TARGETS.writeRateShare && c.blocked === 0 && rejectedShare <= TARGETS.rejectedShare),
      note: `${percent(writeShare)} of ${DRIVE_WRITES_PER_SECOND}/s, ${c.blocked} blocked, ${percent(rejectedShare, 2)} rejected`,
    },
    {
      what: `≥ ${percent(TARGETS.writeRateShare)} of our BaseLinker budget, no block`,
      figure: verdict(budgetShare >= TARGETS.writeRateShare && c.blocked === 0),
      note: `${percent(budgetShare)} of ${COMPRESSED.requestsPerMinute}/min, ${c.blocked} blocked`,
    },
    { what: `peak RSS under ${TARGETS.peakRssMb} MB`, figure: verdict(peak < TARGETS.peakRssMb), note: `highest ${peak.toFixed(0)} MB, of every run above` },
    {
      what: `peak RSS flat as orders grow (< ${percent(TARGETS.rssGrowth)}, ${count(GROWTH_ORDERS[2])} → ${count(GROWTH_ORDERS[3])} orders)`,
      figure: verdict(grew < TARGETS.rssGrowth),
      note: signedPercent(grew),
    },
  ];
}

export const END_TO_END_SECTIONS: BenchSection[] = [
  { title: `End to end: the CLI over HTTP, large account into Google Drive, pacing off`, run: largeRows },
  { title: 'End to end: peak RSS as orders grow (--only orders, local folder)', run: growthRows },
  { title: 'End to end: limits enforced (BaseLinker 100/min, Drive 3 writes/s), compressed time', run: compressedRows },
  { title: 'End to end: targets (issue 6)', run: targetRows },
];

// ---------------------------------------------------------------------------------------------------------------

const WRITE = /^(POST \/drive\/v3\/files|(POST|PATCH|PUT) \/upload\/drive\/v3\/files|(PATCH|DELETE) \/drive\/v3\/files\/)/;
const isWrite = (r: RequestRecord) => WRITE.test(`${r.method} ${r.path}`);

function driveCallKind(r: RequestRecord): string {
  if (r.path.startsWith('/upload/')) return 'uploads';
  if (r.path.endsWith('/generateIds')) return 'generateIds';
  if (r.path === '/drive/v3/about') return 'about';
  if (r.path === '/drive/v3/files') return r.method === 'POST' ? 'folder creates' : 'lists';
  return `${r.method.toLowerCase()}s`;
}

function tallyBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Events per `unitMs` from the first to the last (n events span n - 1 intervals). */
function ratePer(times: readonly number[], unitMs: number): number {
  if (times.length < 2) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  return ((sorted.length - 1) * unitMs) / (sorted.at(-1)! - sorted[0]!);
}

/** The most events in any window of `windowMs` (t - windowMs, t], as BaseLinker's rolling minute counts them. */
function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}
