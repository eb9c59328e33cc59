import type { Config } from '../config/config.js';
import type { DocumentKind } from '../domain/documents.js';
import type { Destination } from '../destinations/destination.js';
import type { Clock } from '../lib/clock.js';
import { BackupError, ExitCode, InterruptedError, SourceError, UnauthorisedError, errorMessage, exitCodeOf } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import { createDocumentRenderer, type DocumentRenderer } from '../render/pool.js';
import type { BaseLinkerApi } from '../sources/baselinker/transport.js';
import { adoptDestination, type OwnershipProbe } from './adopt.js';
import { closeDestinations } from './close.js';
import { invoicesExist, receiptsExist } from '../sources/baselinker/lists.js';
import type { AsOf } from './asOf.js';
import { deliver, type DeliveryContext, type Executor } from './deliver.js';
import { cutoffFact } from './facts.js';
import { backupInvoices } from './invoicesStep.js';
import { folderKey } from './naming.js';
import { backupOrders } from './ordersStep.js';
import { backupReceipts } from './receiptsStep.js';
import { establishCutoff, readCutoff, recordComplete, scanStart } from './scope.js';
import { explainCutoff } from './cutoffHints.js';
import { Tally } from './tally.js';
import { noProgress, type Progress } from './progress.js';
import { count } from '../lib/plural.js';
import { redact } from '../lib/secrets.js';

export interface RunDeps {
  /** Where a run reports how far it has come (a terminal's progress bars); nowhere by default. */
  progress?: Progress;
  config: Config;
  /** The account's ledger; for a dry run, a scratch copy of it. */
  ledger: Ledger;
  destinations: readonly Destination[];
  api: BaseLinkerApi;
  clock: Clock;
  logger: Logger;
  /** Stores (the real run) or records what would be stored (the dry run). */
  executor: Executor;
  /** Where the orders CSV is written before it is stored. */
  spoolDir: string;
  /**
   * Renders PDFs. Several accounts in one process share one (one render thread, whatever the number of accounts);
   * without one, the run makes its own (on a worker thread when there is a second core) and closes it at its end.
   */
  renderer?: DocumentRenderer;
  /** Aborted when the run is interrupted (SIGINT, SIGTERM): nothing new starts, and the run is recorded as interrupted. */
  stop?: AbortSignal;
}

export interface RunRequest {
  asOf: AsOf;
  kinds: readonly DocumentKind[];
}

export interface RunReport {
  exitCode: ExitCode;
  message: string;
  tally: Tally;
  cutoff: number;
}

/** What producing a document's bytes needs (a run's steps, and a repair). */
export type ProduceContext = Pick<RunDeps, 'api' | 'config' | 'ledger' | 'logger'> & { renderer: DocumentRenderer };

/** What each step needs; `parseOrSkip` lets one malformed record fail alone instead of stopping the run. */
export interface StepContext extends RunDeps {
  asOf: AsOf;
  delivery: DeliveryContext;
  /** Renders PDFs, on worker threads once a run has many; closed when the run ends. */
  renderer: DocumentRenderer;
  progress: Progress;
  parseOrSkip<T>(kind: DocumentKind, raw: unknown, parse: (raw: unknown) => T): T | null;
}

// Invoices first: they record each invoice's order and KSeF number, which the orders CSV shows. Orders before
// receipts: the orders scan learns each order's currency, which receipts need.
const ORDER_OF_STEPS: readonly DocumentKind[] = ['invoices', 'orders', 'receipts'];

/** One backup run as of a date: read, decide against the ledger, render, store, record. */
export async function runBackup(deps: RunDeps, request: RunRequest): Promise<RunReport> {
  const { ledger, logger, config } = deps;
  const { asOf } = request;
  const tally = new Tally();
  const runId = ledger.startRun({ asOf: asOf.date, kinds: [...request.kinds], dryRun: false, pid: process.pid }, deps.clock.now());
  const delivery: DeliveryContext = {
    ledger,
    account: config.account.id,
    runId,
    destinations: deps.destinations,
    logger,
    tally,
    executor: deps.executor,
    stop: deps.stop,
    onNameTaken: (destination, path) => tally.foreignNames.push({ destination, path }),
  };
  const context: StepContext = {
    ...deps,
    asOf,
    delivery,
    renderer:
      deps.renderer ??
      createDocumentRenderer({
        onThreadLost: (reason) => logger.warn(`a render thread stopped (${reason}); documents render on the main thread, using more memory`),
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

  let cutoff = 0;
  let orderCurrencies = new Map<number, string>();
  try {
    // Before the first line: a run that cannot write anywhere says so in one line.
    await checkDestinations(deps, tally);
    logger.info(`backup as of ${asOf.date} (${request.kinds.join(', ')})`, { account: config.account.id, destinations: deps.destinations.map((d) => d.id) });
    await takeOverDestinations(deps, delivery);
    const firstRun = readCutoff(ledger) === null;
    cutoff = establishCutoff(ledger, config, asOf);
    explainCutoff(logger, { firstRun, cutoff, asOf, backfillFrom: config.backfillFrom });
    const fact = cutoffFact(config, cutoff);
    await deliver(delivery, fact.doc, async () => fact.body);
    for (const kind of ORDER_OF_STEPS.filter((k) => request.kinds.includes(k))) {
      if (kind === 'orders') orderCurrencies = await backupOrders(context);
      else {
        const from = scanStart(ledger, kind, cutoff, asOf, config.documents.recheckDays);
        if (kind === 'invoices') await backupInvoices(context, from);
        else await backupReceipts(context, from, orderCurrencies);
        if (tally.failed[kind] === 0) recordComplete(ledger, kind, asOf);
      }
    }
    await closeDestinations(deps, deps.destinations, runId, tally.stoppedDestinations);
    await reportMissingCopies(deps, tally);
  } catch (error) {
    const outcome = error instanceof InterruptedError ? 'interrupted' : 'failed';
    ledger.finishRun(runId, { outcome, exitCode: exitCodeOf(error), message: redact(errorMessage(error)), stats: stats(deps, tally) }, deps.clock.now());
    throw error;
  } finally {
    if (!deps.renderer) await context.renderer.close();
  }
  reportForeignNames(logger, tally);

  const stopped = [...tally.stoppedDestinations.values()];
  const signedOut = stopped.find((e) => e instanceof UnauthorisedError);
  const exitCode = signedOut ? ExitCode.unauthorised : tally.failures > 0 || stopped.length > 0 ? ExitCode.partial : ExitCode.ok;
  const message =
    exitCode === ExitCode.ok
      ? `stored ${count(tally.stored.invoices, 'invoice')}, ${count(tally.stored.receipts, 'receipt')} and ${count(tally.stored.orders, 'CSV file', 'CSV files')} of orders`
      : signedOut
        ? `${signedOut.message} (${count(tally.failures, 'document')} not stored there)`
        : `${count(tally.failures, 'document')} not stored; the next run retries ${tally.failures === 1 ? 'it' : 'them'}`;
  ledger.finishRun(runId, { outcome: exitCode === ExitCode.ok ? 'ok' : 'partial', exitCode, message, stats: stats(deps, tally) }, deps.clock.now());
  return { exitCode, message, tally, cutoff };
}

/**
 * Destinations that cannot be written (signed out, revoked, a folder without write access) are set aside before
 * anything is read; when none is left, the run stops there with the reason.
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

/**
 * The destination is the truth: one this ledger has never stored into may already hold this account's backup (a
 * lost data dir, a new machine, another data dir): its copies are adopted before anything is planned. Copies an
 * older version stored without an identity get one now.
 */
async function takeOverDestinations(deps: RunDeps, delivery: DeliveryContext): Promise<void> {
  for (const destination of deps.destinations) {
    if (delivery.tally.stoppedDestinations.has(destination.id)) continue;
    if (!deps.ledger.knowsDestination(destination.id)) {
      const report = await adoptDestination({ ledger: deps.ledger, config: deps.config, logger: deps.logger, probe: ownershipProbe(deps) }, destination);
      if (report.adopted > 0) {
        deps.logger.info(
          `${destination.id}: adopted ${count(report.adopted, 'stored copy', 'stored copies')} this data dir had no record of (the destination's own record of them); nothing is stored twice` +
            (report.damaged > 0 ? `; ${report.damaged} of them ${report.damaged === 1 ? 'is' : 'are'} damaged: run \`backup verify --repair\`` : ''),
        );
      }
    }
    deps.ledger.ensureDestination(destination.id, deps.clock.now());
    await deps.executor.keepIdentities(delivery, destination);
  }
}

/** Asks BaseLinker whether invoices or receipts a destination holds are this account's. */
function ownershipProbe(deps: RunDeps): OwnershipProbe {
  return (kind, ids) => (kind === 'invoices' ? invoicesExist : receiptsExist)(deps.api, ids.map(Number));
}

/**
 * The nightly run restores nothing on its own (some people delete old months on purpose), but when the folders it
 * listed anyway lack copies the ledger records, it says so once, with the command that brings them back.
 */
async function reportMissingCopies(deps: RunDeps, tally: Tally): Promise<void> {
  for (const destination of deps.destinations) {
    if (tally.stoppedDestinations.has(destination.id) || !destination.foldersSeen) continue;
    let missing = 0;
    for (const { folder, names } of await destination.foldersSeen()) {
      missing += deps.ledger.storedNames(destination.id, folderKey(folder)).filter((name) => !names.has(name)).length;
    }
    if (missing > 0) {
      const them = missing === 1 ? 'it' : 'them';
      deps.logger.warn(`${destination.id}: ${count(missing, 'recorded copy', 'recorded copies')} ${missing === 1 ? 'is' : 'are'} missing from the folders this run stored into (removed by hand?); \`backup verify --repair\` stores ${them} again`);
    }
  }
}

/** Once per run, not once per file: other files sat under names our documents wanted, and ours went beside them. */
function reportForeignNames(logger: Logger, tally: Tally): void {
  const first = tally.foreignNames[0];
  if (!first) return;
  const one = tally.foreignNames.length === 1;
  logger.warn(
    `${count(tally.foreignNames.length, 'file')} that this program did not store ${one ? 'sits under a name a document' : 'sit under names documents'} wanted (first: ${first.destination} ${first.path}); ` +
      `${one ? 'it was left alone and the document stored beside it' : 'they were left alone and the documents stored beside them'} with ${one ? 'its' : 'their'} id in the name`,
  );
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
