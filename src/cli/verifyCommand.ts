import { closeDestinations } from '../backup/close.js';
import { repairDestinations, type RepairReport } from '../backup/repair.js';
import { verifyDestinations, type Finding, type VerifyReport } from '../backup/verify.js';
import type { Config } from '../config/config.js';
import { createDestinations } from '../destinations/create.js';
import { Ledger } from '../ledger/ledger.js';
import { systemClock } from '../lib/clock.js';
import { errorMessage, ExitCode, exitCodeOf, InterruptedError, UsageError } from '../lib/errors.js';
import { redact } from '../lib/secrets.js';
import { count } from '../lib/plural.js';
import { createDocumentRenderer } from '../render/pool.js';
import { acquireRunLock } from '../schedule/lock.js';
import { watchInterruptions } from './interruption.js';
import { mostSevere } from './runCommand.js';
import { withSession, type Session } from './session.js';
import { createTransport, ledgerExists } from './setup.js';

/**
 * Compares the ledger with every configured destination: each file recorded as stored must be there with its
 * recorded size and checksum, and nothing else may sit in the folders the backup writes. Changes nothing. Exit 0
 * when they agree, 6 (ExitCode.disagrees) when they do not. With --repair, stores again what is missing or damaged
 * (never deleting or replacing anything), then verifies again.
 */
export async function verifyCommand(options: { json?: boolean; repair?: boolean; account?: string }): Promise<ExitCode> {
  // No log file unless repairing: verifying writes nothing to the data dir.
  return withSession({ logFile: Boolean(options.repair) }, async (session) => {
    // Verifying alone changes nothing, so a signal may end it at once; a repair stops as a run does.
    const stop = options.repair ? session.keep(watchInterruptions()).signal : undefined;
    let worst: ExitCode = ExitCode.ok;
    for (const config of session.accounts(options.account)) {
      stop?.throwIfAborted();
      worst = mostSevere(worst, await verifyAccount(session, config, options, stop));
    }
    return worst;
  });
}

async function verifyAccount(session: Session, config: Config, options: { json?: boolean; repair?: boolean }, stop?: AbortSignal): Promise<ExitCode> {
  if (!ledgerExists(config)) throw new UsageError(`no ledger in ${config.dataDir}: nothing to verify yet (run \`backup run\` first)`);
  const { logger } = session;
  if (options.repair) session.keep(acquireRunLock(config.dataDir, config.timeZone));
  const ledger = session.keep(Ledger.open(config.dataDir));
  const destinations = createDestinations({ config, ledger, clock: systemClock, logger });
  let report = await verifyDestinations(ledger, destinations);
  let repaired: RepairReport | null = null;
  if (options.repair && !report.agree) {
    const api = createTransport(config, logger, systemClock, stop);
    const renderer = createDocumentRenderer({});
    const runId = ledger.startRun({ asOf: 'repair', kinds: [], dryRun: false, pid: process.pid });
    const requests = () => ({ requests: { baselinker: api.requestCount } });
    try {
      repaired = await repairDestinations({ ledger, api, config, logger, renderer, account: config.account.id, runId, stop }, report, destinations);
      // What was stored again carries its identity at the destination now, not only after the next run.
      await closeDestinations({ ledger, logger }, destinations, runId, new Map());
      ledger.finishRun(runId, { outcome: 'repair', exitCode: 0, message: `${repaired.restored.length} restored, ${repaired.beside.length} stored beside damaged copies`, stats: requests() });
    } catch (error) {
      const outcome = error instanceof InterruptedError ? 'interrupted' : 'failed';
      ledger.finishRun(runId, { outcome, exitCode: exitCodeOf(error), message: redact(errorMessage(error)), stats: requests() });
      throw error;
    } finally {
      await renderer.close();
    }
    report = await verifyDestinations(ledger, destinations);
  }
  const prefix = config.account.implicit ? '' : `account ${config.account.id}\n`;
  process.stdout.write(options.json ? `${JSON.stringify({ account: config.account.id, ...publicReport(report), repaired }, null, 2)}\n` : prefix + formatRepair(repaired) + formatReport(report));
  return report.agree ? ExitCode.ok : ExitCode.disagrees;
}

/** The report without the ledger rows repair works from. */
function publicReport(report: VerifyReport) {
  const plain = (f: Finding): Finding => ({ path: f.path, ledgerSize: f.ledgerSize, actualSize: f.actualSize });
  return { ...report, destinations: report.destinations.map((d) => ({ ...d, missing: d.missing.map(plain), damaged: d.damaged.map(plain) })) };
}

function formatRepair(r: RepairReport | null): string {
  if (!r) return '';
  const lines = [
    ...r.restored.map((p) => `restored     ${p.destination}  ${p.path}`),
    ...r.beside.map((p) => `stored beside a damaged copy  ${p.destination}  ${p.path}`),
    ...r.unrepairable.map((p) => `cannot repair ${p.destination}  ${p.path}: ${p.why}`),
  ];
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function formatReport(report: VerifyReport): string {
  const bytes = (n: number | null) => (n === null ? '?' : count(n, 'byte'));
  const lines: string[] = [];
  for (const v of report.destinations) {
    lines.push(`${v.destination}: ${count(v.recorded, 'file')} recorded, ${v.confirmed} present and whole`);
    if (v.error) lines.push(`  could not list it: ${v.error}`);
    const show = (label: string, findings: Finding[], detail: (f: Finding) => string) => {
      for (const f of findings) lines.push(`  ${label.padEnd(12)} ${f.path}${detail(f)}`);
    };
    show('missing', v.missing, (f) => ` (the ledger records ${bytes(f.ledgerSize)})`);
    show('damaged', v.damaged, (f) => `: ${bytes(f.actualSize)}${f.actualSize === f.ledgerSize ? ' with other contents' : ''}, the ledger records ${bytes(f.ledgerSize)}`);
    show('unexpected', v.unexpected, (f) => ` (${bytes(f.actualSize)}): not in the ledger`);
    show('unconfirmed', v.unconfirmed, (f) => ` (${bytes(f.actualSize)}): stored by a run killed before it recorded it; kept`);
    show('set aside', v.setAside, (f) => ` (${bytes(f.actualSize)}): a damaged copy, kept; a whole one is stored beside it`);
  }
  const broken = report.destinations.some((v) => v.missing.length + v.damaged.length > 0);
  lines.push(
    report.agree
      ? 'the ledger and the destinations agree'
      : `the ledger and the destinations DISAGREE (nothing was changed)${broken ? '; `backup verify --repair` stores missing and damaged copies again' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

