import { TZDate } from '@date-fns/tz';
import { readCutoff } from '../backup/scope.js';
import type { Config } from '../config/config.js';
import { destinationId } from '../destinations/create.js';
import { governmentStatusName } from '../domain/documents.js';
import { Ledger, type KsefCounts, type RunRow } from '../ledger/ledger.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { isoInZone } from '../lib/zonedTime.js';
import { clockChangeNotes } from '../schedule/clockChanges.js';
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

/** Stored invoices and their KSeF numbers, as the last scans read them from BaseLinker. */
export interface KsefStatus {
  /** Invoices issued from this day are counted: the first on which KSeF was mandatory for anyone. */
  since: string;
  invoices: number;
  withKsefNumber: number;
  /** Issued more than two days ago and still without a KSeF number. */
  missing: number;
  /** Those by BaseLinker's gov_status: "not sent", "sent", "rejected", "offline". */
  missingByStatus: Record<string, number>;
  missingExamples: string[];
}

export interface Status {
  account: string;
  dataDir: string;
  timeZone: string;
  /** From when invoices and receipts are backed up; "all" after backfillFrom "all"; null before the first run. */
  cutoff: string | null;
  /** When `backup schedule` starts the next run, in the schedule's zone. */
  nextScheduledRun: string;
  /** What `backup schedule` does on the coming nights the clocks change, when its time is in the hour they skip or repeat. */
  scheduleNotes: string[];
  destinations: { id: string; since: string | null; revokedAt: string | null }[];
  ksef: KsefStatus | null;
  runs: RunSummary[];
}

/** KSeF became mandatory on 1 February 2026 for the largest sellers (1 April for the rest); no invoice before has a number. */
const KSEF_START = { year: 2026, month: 2, day: 1 };
/** An invoice sent in offline mode must reach KSeF by the next working day; two days leaves room for a weekend's night. */
const KSEF_GRACE_DAYS = 2;

export async function statusCommand(options: { json?: boolean; limit?: string; account?: string }): Promise<ExitCode> {
  const limit = parseLimit(options.limit);
  return withSession({ logFile: false }, async (session) => {
    const statuses = session.accounts(options.account).map((config) => readStatus(config, limit));
    const several = session.installation.accounts.length > 1 || !session.installation.accounts[0]!.account.implicit;
    if (options.json) process.stdout.write(`${JSON.stringify(several ? { accounts: statuses } : statuses[0], null, 2)}\n`);
    else if (several && options.account === undefined) process.stdout.write(formatAccounts(statuses));
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

/** Several accounts, one line each: the last run's outcome, what it stored and failed, and the cutoff. */
function formatAccounts(statuses: Status[]): string {
  const rows = statuses.map((s) => {
    const last = s.runs[0];
    const stored = last ? Object.entries(last.stored).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing' : '';
    const failed = last ? String(Object.values(last.failed).reduce((a, b) => a + b, 0)) : '';
    const revoked = s.destinations.filter((d) => d.revokedAt).map((d) => `${d.id} REVOKED`);
    return [s.account, last?.startedAt ?? 'never', last ? `${last.outcome}${last.exitCode ? ` (exit ${last.exitCode})` : ''}` : '', stored, failed, s.cutoff ?? 'not fixed yet', revoked.join(', ')];
  });
  const header = ['account', 'last run', 'outcome', 'stored', 'failed', 'cutoff', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n(\`backup status --account <id>\` shows one account's runs and destinations)\n`;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

export function readStatus(config: Config, limit: number, nowMs = Date.now()): Status {
  const when = (ms: number | null) => (ms === null ? null : isoInZone(ms, config.timeZone));
  const { time, timeZone: scheduleZone } = config.schedule;
  const base = {
    account: config.account.id,
    dataDir: config.dataDir,
    timeZone: config.timeZone,
    nextScheduledRun: isoInZone(nextNightlyRun(time, scheduleZone).getTime(), scheduleZone),
    scheduleNotes: clockChangeNotes(time, scheduleZone, nowMs),
  };
  if (!ledgerExists(config)) {
    return { ...base, cutoff: null, destinations: config.destinations.map((d) => ({ id: destinationId(d, config), since: null, revokedAt: null })), ksef: null, runs: [] };
  }
  const ledger = Ledger.open(config.dataDir);
  try {
    const cutoff = readCutoff(ledger);
    return {
      ...base,
      // backfillFrom "all" moves the cutoff to the epoch: "1970-01-01" would say nothing true.
      cutoff: cutoff === null ? null : cutoff <= 0 ? 'all' : when(cutoff * 1000),
      destinations: ledger.destinationRows().map((d) => ({ id: d.id, since: when(d.added_at), revokedAt: when(d.revoked_at) })),
      ksef: ksefStatus(ledger, config, nowMs),
      runs: ledger.recentRuns(limit).map((r) => summarise(r, when)),
    };
  } finally {
    ledger.close();
  }
}

function ksefStatus(ledger: Ledger, config: Config, nowMs: number): KsefStatus | null {
  const { year, month, day } = KSEF_START;
  const since = Math.floor(new TZDate(year, month - 1, day, 0, 0, 0, config.timeZone).getTime() / 1000);
  const counts: KsefCounts = ledger.ksefCounts(since, Math.floor(nowMs / 1000) - KSEF_GRACE_DAYS * 86_400);
  if (counts.invoices === 0) return null;
  const missingByStatus = Object.fromEntries(Object.entries(counts.missingByStatus).map(([status, n]) => [governmentStatusName(Number(status)), n]));
  return {
    since: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    invoices: counts.invoices,
    withKsefNumber: counts.withKsefNumber,
    missing: Object.values(counts.missingByStatus).reduce((a, b) => a + b, 0),
    missingByStatus,
    missingExamples: counts.missingExamples,
  };
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

function describeKsef(k: KsefStatus): string[] {
  const lines = [`KSeF: ${k.withKsefNumber} of ${k.invoices} stored invoices issued since ${k.since} have a KSeF number`];
  if (k.missing > 0) {
    const why = Object.entries(k.missingByStatus).map(([status, n]) => `${n} ${status}`).join(', ');
    const examples = k.missingExamples.join(', ') + (k.missing > k.missingExamples.length ? ', …' : '');
    lines.push(`  ${k.missing} issued more than ${KSEF_GRACE_DAYS} days ago still ${k.missing === 1 ? 'has' : 'have'} none (${why}): ${examples}`);
    lines.push('  if your firm issues invoices in KSeF, check them in BaseLinker; a number that arrives later is stored as a new version');
  }
  return lines;
}

function formatStatus(s: Status): string {
  const lines = [
    `data dir:        ${s.dataDir}`,
    `first-run cutoff: ${s.cutoff === 'all' ? 'none: every invoice and receipt BaseLinker has (backfillFrom "all")' : (s.cutoff ?? 'not fixed yet (set by the first run)')}`,
    `next nightly run: ${s.nextScheduledRun} (by \`backup schedule\`; a systemd timer or cron runs at its own time)`,
    ...s.scheduleNotes.map((note) => `  note: ${note}`),
    'destinations:',
    ...s.destinations.map((d) => `  ${d.id}${d.since ? `  since ${d.since}` : ''}${d.revokedAt ? `  REVOKED ${d.revokedAt}` : ''}`),
  ];
  if (s.ksef) lines.push(...describeKsef(s.ksef));
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
