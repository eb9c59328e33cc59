import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveAsOf } from '../backup/asOf.js';
import { recordingExecutor, storingExecutor } from '../backup/deliver.js';
import { describeEstimate, estimateRun } from '../backup/estimate.js';
import { runBackup, type RunReport } from '../backup/run.js';
import type { Config } from '../config/config.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../domain/documents.js';
import { createDestinations } from '../destinations/create.js';
import { sharedResources, type SharedResources } from '../destinations/plugin.js';
import pLimit from 'p-limit';
import { createDocumentRenderer, type DocumentRenderer } from '../render/pool.js';
import { Ledger } from '../ledger/ledger.js';
import { interruptibleClock, processClock, systemClock } from '../lib/clock.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { createHealthPing } from '../lib/healthPing.js';
import { count } from '../lib/plural.js';
import { acquireRunLock } from '../schedule/lock.js';
import { reportFailure } from './failure.js';
import { watchInterruptions } from './interruption.js';
import { terminalProgress } from './progressBar.js';
import { withSession, type Session } from './session.js';
import { chosenShard, shardOf } from './shard.js';
import { createTransport, drawsProgress, prepareDataDir } from './setup.js';

export interface RunOptions {
  date?: string;
  only?: string;
  dryRun?: boolean;
  json?: boolean;
  account?: string;
  shard?: string;
}

/** What `backup run --json` prints for an account: one document, at the end. */
export interface RunJson {
  account: string;
  exitCode: ExitCode;
  dryRun: boolean;
  message: string;
  counts: { stored: Record<DocumentKind, number>; failed: Record<DocumentKind, number> };
  /** The real run: every file it stored. */
  stored?: { destination: string; path: string }[];
  /** The dry run: every file the real run would store. */
  planned?: { destination: string; path: string }[];
}

/**
 * `backup run`: every account of the installation (or those named, or this process's shard of them), side by side
 * up to `parallelAccounts` at once, since each account's BaseLinker budget is its own. What several accounts share
 * (one Google account's write budget) they share through one set of shared resources. One account's failure never
 * stops the others; the exit code is the most severe of theirs.
 */
export async function runCommand(options: RunOptions): Promise<ExitCode> {
  const dryRun = Boolean(options.dryRun);
  const shard = chosenShard(options.shard);
  return withSession({ logFile: !dryRun }, async (session) => {
    const named = session.accounts(options.account);
    const accounts = shard ? named.filter((a) => shardOf(a.account.id, shard.count) === shard.index) : named;
    if (shard) session.logger.info(`shard ${shard.index}/${shard.count}: ${accounts.length} of ${named.length} accounts (${accounts.map((a) => a.account.id).join(', ') || 'none'})`);
    const interruption = session.keep(watchInterruptions());
    const shared = sharedResources();
    // One render thread for every account: memory does not grow with the accounts run side by side.
    const renderer = createDocumentRenderer({
      onThreadLost: (reason) => session.logger.warn(`a render thread stopped (${reason}); documents render on the main thread, using more memory`),
    });
    const limit = pLimit(session.installation.settings.parallelAccounts);
    let outcomes;
    try {
      // An interrupted run starts no further account; those already going finish what they are storing.
      const started = accounts.map((config) => limit(() => (interruption.signal.aborted ? null : runAccount(session, config, options, { shared, renderer, stop: interruption.signal }))));
      outcomes = (await Promise.all(started)).filter((o) => o !== null);
    } finally {
      await renderer.close();
    }
    const worst = outcomes.reduce<ExitCode>((w, o) => mostSevere(w, o.exitCode), ExitCode.ok);
    const documents = outcomes.map((o) => o.json);
    if (options.json) process.stdout.write(`${JSON.stringify(documents.length === 1 ? documents[0] : { exitCode: worst, accounts: documents })}\n`);
    return worst;
  });
}

/** One account's run, its failures reported and turned into its exit code; the other accounts go on. */
async function runAccount(
  session: Session,
  config: Config,
  options: RunOptions,
  { shared, renderer, stop }: { shared: SharedResources; renderer: DocumentRenderer; stop: AbortSignal },
): Promise<{ exitCode: ExitCode; json: RunJson }> {
  // Each line says whose it is, once there is more than one account to tell apart.
  const logger = config.account.implicit ? session.logger : session.logger.child({ account: config.account.id });
  const dryRun = Boolean(options.dryRun);
  const ping = createHealthPing(dryRun ? null : config.healthcheck.url, logger);
  let exitCode: ExitCode = ExitCode.unexpected;
  let report: RunReport | null = null;
  let failure: string | null = null;
  let pinged = false;
  const closing: (() => void)[] = [];
  try {
    const kinds = options.only === undefined ? config.kinds : parseKinds(options.only);
    const asOf = resolveAsOf(options.date, systemClock.now(), config.timeZone);
    // The system clock, unless `npm run bench` compresses time (BACKUP_TIME_SCALE, lib/clock.ts).
    const clock = processClock();
    const api = createTransport(config, logger, clock, stop);
    prepareDataDir(config.dataDir, { create: !dryRun });
    if (!dryRun) {
      const lock = acquireRunLock(config.dataDir, config.timeZone);
      closing.push(() => lock.release());
    }
    // Pinged only once the lock is ours: a run refused because another is going is not a failed night.
    await ping.start();
    pinged = !dryRun;
    // A dry run plans and reserves in a scratch copy of the ledger, exactly as the real run will in the real one.
    const ledger = dryRun ? Ledger.scratchCopy(config.dataDir) : Ledger.open(config.dataDir);
    closing.push(() => ledger.close());
    if (ledger.wasLost) logger.warn(`the ledger in ${config.dataDir} was lost; it is rebuilt from what the destinations hold`);
    // A stop ends the destinations' waits too (a OneDrive or Dropbox Retry-After can name minutes): the upload
    // waiting is abandoned, its reservation kept, and the next run stores it under the same token, once.
    const destinations = createDestinations({ config, ledger, clock: interruptibleClock(clock, stop), logger, shared });
    ledger.closeInterruptedRuns();
    const spoolDir = dryRun ? fs.mkdtempSync(path.join(os.tmpdir(), 'blb-dry-run-')) : path.join(config.dataDir, 'spool');
    // The dry run's own scratch folder, made just above by mkdtemp: never a destination, never a document.
    if (dryRun) closing.push(() => fs.rmSync(spoolDir, { recursive: true, force: true }));
    const progress = drawsProgress(config.log.format) && !options.json ? terminalProgress(process.stderr) : undefined;
    report = await runBackup({ config, ledger, destinations, api, clock, logger, progress, stop, executor: dryRun ? recordingExecutor : storingExecutor, spoolDir, renderer }, { asOf, kinds });
    if (dryRun && !options.json) {
      const heading = config.account.implicit ? '' : `account ${config.account.id}\n`;
      const planned = report.tally.planned.map((p) => `${p.destination}  ${p.path}\n`).join('');
      process.stdout.write(`${heading}${planned}dry run: ${count(report.tally.planned.length, 'file')} would be stored\n${describeEstimate(estimateRun(config, ledger, report.tally, api.requestCount))}\n`);
    } else if (!dryRun) {
      const meta = { account: config.account.id, requests: api.requestCount };
      if (report.exitCode === ExitCode.ok) logger.info(report.message, meta);
      else logger.warn(report.message, meta);
    }
    exitCode = report.exitCode;
  } catch (error) {
    exitCode = reportFailure(logger, error);
    failure = error instanceof Error ? error.message : String(error);
  } finally {
    if (pinged) await ping.finish(exitCode, session.recent.linesOf(config.account.id));
    for (const close of closing.reverse()) close();
  }
  return { exitCode, json: runJson(config, exitCode, dryRun, report, failure) };
}

function runJson(config: Config, exitCode: ExitCode, dryRun: boolean, report: RunReport | null, failure: string | null): RunJson {
  const zero = { orders: 0, invoices: 0, receipts: 0 };
  const base = {
    account: config.account.id,
    exitCode,
    dryRun,
    message: report?.message ?? failure ?? '',
    counts: { stored: report?.tally.stored ?? zero, failed: report?.tally.failed ?? zero },
  };
  return dryRun ? { ...base, planned: report?.tally.planned ?? [] } : { ...base, stored: report?.tally.storedPaths ?? [] };
}

/** Several accounts' exit codes as one: the most severe, in the order 130, 143, 1, 2, 5, 3, 4, then 0. */
export function mostSevere(a: ExitCode, b: ExitCode): ExitCode {
  const order: readonly number[] = [ExitCode.interrupted, ExitCode.terminated, ExitCode.unexpected, ExitCode.usage, ExitCode.unauthorised, ExitCode.partial, ExitCode.locked, ExitCode.ok];
  const rank = (code: number) => (order.includes(code) ? order.indexOf(code) : 0);
  return (rank(a) <= rank(b) ? a : b) as ExitCode;
}

export function parseKinds(value: string): DocumentKind[] {
  const kinds = value.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = kinds.filter((k) => !(DOCUMENT_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new UsageError(`--only takes a comma-separated list of ${DOCUMENT_KINDS.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return [...new Set(kinds)] as DocumentKind[];
}
