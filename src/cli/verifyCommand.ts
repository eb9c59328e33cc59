import { verifyDestinations, type DestinationVerdict, type Finding } from '../backup/verify.js';
import { loadConfig } from '../config/config.js';
import { createDestinations } from '../destinations/create.js';
import { Ledger } from '../ledger/ledger.js';
import { systemClock } from '../lib/clock.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { flushLogger } from '../lib/logger.js';
import { ledgerExists, setupLogger } from './setup.js';

/**
 * Compares the ledger with every configured destination: each file recorded as stored must be there with its
 * recorded size, and nothing else may sit in the folders the backup writes. Changes nothing. Exit 0 when they
 * agree, 6 (ExitCode.disagrees) when they do not.
 */
export async function verifyCommand(options: { json?: boolean }): Promise<ExitCode> {
  const config = loadConfig();
  // No log file: verifying writes nothing to the data dir.
  const logger = setupLogger(config, false);
  try {
    if (!ledgerExists(config)) throw new UsageError(`no ledger in ${config.dataDir}: nothing to verify yet (run \`backup run\` first)`);
    const ledger = Ledger.open(config.dataDir);
    try {
      const destinations = createDestinations({ config, ledger, clock: systemClock, logger });
      const report = await verifyDestinations(ledger, destinations);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report.destinations, report.agree));
      return report.agree ? ExitCode.ok : ExitCode.disagrees;
    } finally {
      ledger.close();
    }
  } finally {
    await flushLogger(logger);
  }
}

function formatReport(verdicts: DestinationVerdict[], agree: boolean): string {
  const bytes = (n: number | null) => (n === null ? '?' : `${n} bytes`);
  const lines: string[] = [];
  for (const v of verdicts) {
    lines.push(`${v.destination}: ${v.recorded} files recorded, ${v.confirmed} present with the recorded size`);
    if (v.error) lines.push(`  could not list it: ${v.error}`);
    const show = (label: string, findings: Finding[], detail: (f: Finding) => string) => {
      for (const f of findings) lines.push(`  ${label.padEnd(12)} ${f.path}${detail(f)}`);
    };
    show('missing', v.missing, (f) => ` (the ledger records ${bytes(f.ledgerSize)})`);
    show('wrong size', v.wrongSize, (f) => `: ${bytes(f.actualSize)}, the ledger records ${bytes(f.ledgerSize)}`);
    show('unexpected', v.unexpected, (f) => ` (${bytes(f.actualSize)}): not in the ledger`);
    show('unconfirmed', v.unconfirmed, (f) => ` (${bytes(f.actualSize)}): stored by a run killed before it recorded it; kept`);
  }
  lines.push(agree ? 'the ledger and the destinations agree' : 'the ledger and the destinations DISAGREE (nothing was changed)');
  return `${lines.join('\n')}\n`;
}
