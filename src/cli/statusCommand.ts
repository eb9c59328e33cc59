import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { readCutoff } from '../backup/scope.js';
import type { Config } from '../config/config.js';
import { destinationId } from '../destinations/create.js';
import { Ledger, type RunRow } from '../ledger/ledger.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { nextNightlyRun } from '../schedule/nightly.js';
import { withSession } from './session.js';
import { ledgerExists } from './setup.js';

interface RunSummary {
  id: number;
  asOf: string;
  startedAt: string;
  durationSeconds: number | null;
  outcome: string;
  exitCode: number | null;
  dryRun: boolean;
  stored: Record<string, number>;
  failed: Record<string, number>;
  requests: Record<string, unknown>;
  message: string | null;
}

export interface Status {
  account: string;
  dataDir: string;
  timeZone: string;
  cutoff: string | null;
  nextScheduledRun: string;
  destinations: { id: string; since: string | null; revokedAt: string | null }[];
  runs: RunSummary[];
}

export async function statusCommand(options: { json?: boolean; limit?: string; account?: string }): Promise<ExitCode> {
  const limit = parseLimit(options.limit);
  return withSession({ logFile: false }, async (session) => {
    const statuses = session.accounts(options.account).map((config) => readStatus(config, limit));
    const several = session.installation.accounts.length > 1 || !session.installation.accounts[0]!.account.implicit;
    if (options.json) process.stdout.write(`${JSON.stringify(several ? { accounts: statuses } : statuses[0], null, 2)}\n`);
    else process.stdout.write(statuses.map((s) => (several ? `account ${s.account}\n${indent(formatStatus(s))}` : formatStatus(s))).join('\n'));
    return ExitCode.ok;
  });
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return 10;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 1000) throw new UsageError(`--limit must be a whole number of runs from 1 to 1000 (got ${JSON.stringify(raw)})`);
  return n;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

export function readStatus(config: Config, limit: number): Status {
  const when = (ms: number | null) => (ms === null ? null : format(new TZDate(ms, config.timeZone), "yyyy-MM-dd'T'HH:mm:ssXXX"));
  const base = {
    account: config.account.id,
    dataDir: config.dataDir,
    timeZone: config.timeZone,
    nextScheduledRun: when(nextNightlyRun(config.schedule.time, config.schedule.timeZone, Date.now()).getTime())!,
  };
  if (!ledgerExists(config)) {
    return { ...base, cutoff: null, destinations: config.destinations.map((d) => ({ id: destinationId(d, config), since: null, revokedAt: null })), runs: [] };
  }
  const ledger = Ledger.open(config.dataDir);
  try {
    const cutoff = readCutoff(ledger);
    return {
      ...base,
      cutoff: cutoff === null ? null : when(cutoff * 1000),
      destinations: ledger.destinationRows().map((d) => ({ id: d.id, since: when(d.added_at), revokedAt: when(d.revoked_at) })),
      runs: ledger.recentRuns(limit).map((r) => summarise(r, when)),
    };
  } finally {
    ledger.close();
  }
}

function summarise(r: RunRow, when: (ms: number | null) => string | null): RunSummary {
  const stats = r.stats ? (JSON.parse(r.stats) as { stored?: Record<string, number>; failed?: Record<string, number>; requests?: Record<string, unknown> }) : {};
  return {
    id: r.id,
    asOf: r.as_of,
    startedAt: when(r.started_at)!,
    durationSeconds: r.finished_at === null ? null : Math.round((r.finished_at - r.started_at) / 1000),
    outcome: r.outcome,
    exitCode: r.exit_code,
    dryRun: r.dry_run === 1,
    stored: stats.stored ?? {},
    failed: stats.failed ?? {},
    requests: stats.requests ?? {},
    message: r.message,
  };
}

function formatStatus(s: Status): string {
  const lines = [
    `data dir:        ${s.dataDir}`,
    `first-run cutoff: ${s.cutoff ?? 'not fixed yet (set by the first run)'}`,
    `next nightly run: ${s.nextScheduledRun} (when \`backup schedule\` or the timer is running)`,
    'destinations:',
    ...s.destinations.map((d) => `  ${d.id}${d.since ? `  since ${d.since}` : ''}${d.revokedAt ? `  REVOKED ${d.revokedAt}` : ''}`),
  ];
  if (s.runs.length === 0) {
    lines.push('no backup has run yet');
  } else {
    lines.push('last runs:');
    for (const r of s.runs) {
      const stored = Object.entries(r.stored).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing';
      const failed = Object.values(r.failed).reduce((a, b) => a + b, 0);
      const duration = r.durationSeconds === null ? '' : ` ${r.durationSeconds}s`;
      const requests = Object.entries(r.requests)
        .filter(([, n]) => typeof n === 'number')
        .map(([api, n]) => `${api} ${String(n)}`)
        .join(', ');
      lines.push(`  #${r.id} ${r.startedAt} as of ${r.asOf}: ${r.outcome}${duration}; stored ${stored}${failed ? `; ${failed} not stored` : ''}${requests ? `; requests: ${requests}` : ''}`);
      if (r.message && r.outcome !== 'ok') lines.push(`      ${r.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
