import { resolveAsOf } from '../backup/asOf.js';
import { runBackup } from '../backup/run.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../domain/documents.js';
import { createDestinations } from '../destinations/create.js';
import { assertDestinationsBelongToLedger } from '../ledger/expected.js';
import { Ledger } from '../ledger/ledger.js';
import { processClock, systemClock } from '../lib/clock.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { reportFailure } from './failure.js';
import { acquireRunLock, type RunLock } from '../schedule/lock.js';
import { loadConfig } from '../config/config.js';
import { createTransport, interactive, ledgerExists, setupLogger } from './setup.js';
import { terminalProgress } from './progressBar.js';
import { describeEstimate, estimateRun } from '../backup/estimate.js';
import { flushLogger, RecentLines } from '../lib/logger.js';
import { createHealthPing } from '../lib/healthPing.js';

export interface RunOptions {
  date?: string;
  only?: string;
  dryRun?: boolean;
}

export async function runCommand(options: RunOptions): Promise<ExitCode> {
  const config = loadConfig();
  const kinds = options.only === undefined ? config.kinds : parseKinds(options.only);
  const asOf = resolveAsOf(options.date, systemClock.now(), config.timeZone);
  const dryRun = Boolean(options.dryRun);
  const recent = new RecentLines();
  const logger = setupLogger(config, !dryRun, recent);
  const ping = createHealthPing(dryRun ? null : config.healthcheck.url, logger);
  let exitCode: ExitCode = ExitCode.unexpected;
  let lock: RunLock | null = null;
  let ledger: Ledger | null = null;
  try {
    // The system clock, unless `npm run bench` compresses time (BACKUP_TIME_SCALE, lib/clock.ts).
    const clock = processClock();
    const api = createTransport(config, logger, clock);
    lock = dryRun ? null : acquireRunLock(config.dataDir);
    // Pinged only once the lock is ours: a run refused because another is going is not a failed night.
    await ping.start();
    // A dry run writes nothing, not even a new ledger: without one it plans against an empty, in-memory ledger.
    ledger = dryRun && !ledgerExists(config) ? Ledger.openInMemory() : Ledger.open(config.dataDir);
    const destinations = createDestinations({ config, ledger, clock, logger });
    await assertDestinationsBelongToLedger(new Set(ledger.destinationRows().map((d) => d.id)), destinations, config.dataDir);
    if (!dryRun) ledger.closeInterruptedRuns();
    const progress = interactive() ? terminalProgress(process.stderr) : undefined;
    const report = await runBackup({ config, ledger, destinations, api, clock, logger, progress }, { asOf, kinds, dryRun });
    if (dryRun) {
      for (const p of report.tally.planned) process.stdout.write(`${p.destination}  ${p.path}\n`);
      process.stdout.write(`${report.message}\n${describeEstimate(estimateRun(config, ledger, report.tally, api.requestCount), config)}\n`);
    } else {
      const meta = { requests: api.requestCount };
      if (report.exitCode === ExitCode.ok) logger.info(report.message, meta);
      else logger.warn(report.message, meta);
    }
    exitCode = report.exitCode;
  } catch (error) {
    exitCode = reportFailure(logger, error);
  } finally {
    if (lock) await ping.finish(exitCode, recent.lines);
    ledger?.close();
    lock?.release();
    await flushLogger(logger);
  }
  return exitCode;
}

export function parseKinds(value: string): DocumentKind[] {
  const kinds = value.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = kinds.filter((k) => !(DOCUMENT_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new UsageError(`--only takes a comma-separated list of ${DOCUMENT_KINDS.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return [...new Set(kinds)] as DocumentKind[];
}
