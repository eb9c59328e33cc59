import path from 'node:path';
import type { Config } from '../config/config.js';
import type { DocumentKind } from '../domain/documents.js';
import type { Destination } from '../destinations/destination.js';
import type { Clock } from '../lib/clock.js';
import { BackupError, ExitCode, SourceError, UnauthorisedError, errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import { createDocumentRenderer, type DocumentRenderer } from '../render/pool.js';
import type { BaseLinkerTransport } from '../sources/baselinker/transport.js';
import type { AsOf } from './asOf.js';
import type { DeliveryContext } from './deliver.js';
import { backupInvoices } from './invoicesStep.js';
import { backupOrders } from './ordersStep.js';
import { backupReceipts } from './receiptsStep.js';
import { establishCutoff, recordComplete, scanStart } from './scope.js';
import { Tally } from './tally.js';
import { noProgress, type Progress } from './progress.js';
import { redact } from '../lib/secrets.js';

export interface RunDeps {
  /** Where a run reports how far it has come (a terminal's progress bars); nowhere by default. */
  progress?: Progress;
  config: Config;
  ledger: Ledger;
  destinations: readonly Destination[];
  api: BaseLinkerTransport;
  clock: Clock;
  logger: Logger;
}

export interface RunRequest {
  asOf: AsOf;
  kinds: readonly DocumentKind[];
  dryRun: boolean;
}

export interface RunReport {
  exitCode: ExitCode;
  message: string;
  tally: Tally;
  cutoff: number;
}

/** What each step needs; `parseOrSkip` lets one malformed record fail alone instead of stopping the run. */
export interface StepContext extends RunDeps {
  asOf: AsOf;
  delivery: DeliveryContext;
  /** Renders PDFs, on worker threads once a run has many; closed when the run ends. */
  renderer: DocumentRenderer;
  progress: Progress;
  spoolDir: string;
  parseOrSkip<T>(kind: DocumentKind, raw: unknown, parse: (raw: unknown) => T): T | null;
}

// Invoices first: they record each invoice's order and KSeF number, which the orders CSV shows. Orders before
// receipts: the orders scan learns each order's currency, which receipts need.
const ORDER_OF_STEPS: readonly DocumentKind[] = ['invoices', 'orders', 'receipts'];

/** One backup run as of a date: read, decide against the ledger, render, store, record. */
export async function runBackup(deps: RunDeps, request: RunRequest): Promise<RunReport> {
  const { ledger, logger, config } = deps;
  const { asOf, dryRun } = request;
  const tally = new Tally();
  const runId = dryRun ? 0 : ledger.startRun({ asOf: asOf.date, kinds: [...request.kinds], dryRun, pid: process.pid }, deps.clock.now());
  if (!dryRun) for (const d of deps.destinations) ledger.ensureDestination(d.id);
  const cutoff = establishCutoff(ledger, config, asOf, !dryRun);
  const context: StepContext = {
    ...deps,
    asOf,
    spoolDir: path.join(config.dataDir, 'spool'),
    delivery: { ledger, destinations: deps.destinations, logger, tally, runId, dryRun },
    renderer: createDocumentRenderer({
      onThreadLost: (reason) =>
        logger.warn(`a render thread stopped (${reason}); documents render on the main thread, using more memory`),
    }),
    progress: deps.progress ?? noProgress,
    parseOrSkip(kind, raw, parse) {
      try {
        return parse(raw);
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        tally.failed[kind]++;
        logger.error(`skipped one ${kind} record: ${error.message}`);
        return null;
      }
    },
  };

  logger.info(`backup as of ${asOf.date} (${request.kinds.join(', ')})${dryRun ? ', dry run' : ''}`, {
    destinations: deps.destinations.map((d) => d.id),
  });
  let orderCurrencies = new Map<number, string>();
  try {
    await checkDestinations(deps, tally);
    for (const kind of ORDER_OF_STEPS.filter((k) => request.kinds.includes(k))) {
      if (kind === 'orders') orderCurrencies = await backupOrders(context);
      else {
        const from = scanStart(ledger, kind, cutoff, asOf, config.documents.recheckDays);
        if (kind === 'invoices') await backupInvoices(context, from);
        else await backupReceipts(context, from, orderCurrencies);
        if (!dryRun && tally.failed[kind] === 0) recordComplete(ledger, kind, asOf);
      }
    }
  } catch (error) {
    if (!dryRun) {
      ledger.finishRun(runId, { outcome: 'failed', exitCode: exitCodeOf(error), message: redact(errorMessage(error)), stats: stats(deps, tally) }, deps.clock.now());
    }
    throw error;
  } finally {
    await context.renderer.close();
  }

  const stopped = [...tally.stoppedDestinations.values()];
  const signedOut = stopped.find((e) => e instanceof UnauthorisedError);
  const exitCode = signedOut ? ExitCode.unauthorised : tally.failures > 0 || stopped.length > 0 ? ExitCode.partial : ExitCode.ok;
  const message =
    exitCode === ExitCode.ok
      ? dryRun
        ? `dry run: ${tally.planned.length} files would be stored`
        : `stored ${tally.stored.invoices} invoices, ${tally.stored.receipts} receipts, ${tally.stored.orders} orders files`
      : signedOut
        ? `${signedOut.message} (${tally.failures} documents not stored there)`
        : `${tally.failures} documents not stored; the next run retries them`;
  if (!dryRun) {
    ledger.finishRun(runId, { outcome: exitCode === ExitCode.ok ? 'ok' : 'partial', exitCode, message, stats: stats(deps, tally) }, deps.clock.now());
  }
  return { exitCode, message, tally, cutoff };
}

/**
 * Destinations that cannot be written (signed out, revoked) are set aside before anything is read; when none is
 * left, the run stops there with the reason.
 */
async function checkDestinations(deps: RunDeps, tally: Tally): Promise<void> {
  for (const destination of deps.destinations) {
    try {
      await destination.check?.();
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
      tally.stoppedDestinations.set(destination.id, error);
    }
  }
  const stopped = [...tally.stoppedDestinations];
  if (stopped.length === deps.destinations.length) throw stopped[0]![1];
  for (const [id, error] of stopped) deps.logger.error(`${id}: ${error.message}`);
}

function exitCodeOf(error: unknown): number {
  return typeof error === 'object' && error !== null && 'exitCode' in error ? Number((error as { exitCode: unknown }).exitCode) : ExitCode.unexpected;
}

function stats(deps: RunDeps, tally: Tally) {
  return {
    stored: tally.stored,
    failed: tally.failed,
    requests: {
      baselinker: deps.api.requestCount,
      baselinkerByMethod: Object.fromEntries(deps.api.requestsByMethod),
      ...Object.fromEntries(deps.destinations.filter((d) => d.requests).map((d) => [d.id, d.requests!()])),
    },
  };
}

