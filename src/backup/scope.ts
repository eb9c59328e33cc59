// Which invoices and receipts a run looks at. The first run fixes a cutoff (the 1st of its month, or the
// backfillFrom setting) in the ledger; later runs read from the last point where everything was stored, minus a
// recheck window in which edits are still looked for, so a nightly run does not re-read years of history.
import type { Config } from '../config/config.js';
import type { Ledger } from '../ledger/ledger.js';
import { daysBefore, firstOfMonth, startOfDay, type AsOf } from './asOf.js';

const CUTOFF = 'cutoff';
const BACKFILL_APPLIED = 'backfill_applied';
const completeThroughKey = (kind: string) => `complete_through.${kind}`;

export type AccountingKind = 'invoices' | 'receipts';

/** The cutoff this run works with, fixed in the ledger (a dry run's is a scratch copy). */
export function establishCutoff(ledger: Ledger, config: Pick<Config, 'backfillFrom'>, asOf: AsOf): number {
  const stored = ledger.getMeta(CUTOFF);
  let cutoff = stored === null ? firstOfMonth(asOf) : Number(stored);
  const backfill = config.backfillFrom;
  if (backfill && ledger.getMeta(BACKFILL_APPLIED) !== backfill) {
    const from = backfill === 'all' ? 0 : startOfDay(backfill, asOf.timeZone);
    if (from < cutoff) {
      cutoff = from;
      // The history before the old cutoff has never been read: read everything from the new one.
      for (const kind of ['invoices', 'receipts']) ledger.setMeta(completeThroughKey(kind), String(from));
    }
    ledger.setMeta(BACKFILL_APPLIED, backfill);
  }
  ledger.setMeta(CUTOFF, String(cutoff));
  return cutoff;
}

/**
 * The cutoff a destination recorded, taken over by a new ledger (adoption): the run goes on from the same moment,
 * and a backfill that moment already covers is not applied again.
 */
export function adoptCutoff(ledger: Ledger, config: Pick<Config, 'backfillFrom' | 'timeZone'>, cutoff: number): void {
  ledger.setMeta(CUTOFF, String(cutoff));
  const backfill = config.backfillFrom;
  if (backfill && (backfill === 'all' ? 0 : startOfDay(backfill, config.timeZone)) >= cutoff) ledger.setMeta(BACKFILL_APPLIED, backfill);
}

export function readCutoff(ledger: Ledger): number | null {
  const stored = ledger.getMeta(CUTOFF);
  return stored === null ? null : Number(stored);
}

/** Where this run's scan of one kind starts. */
export function scanStart(ledger: Ledger, kind: AccountingKind, cutoff: number, asOf: AsOf, recheckDays: number): number {
  const stored = ledger.getMeta(completeThroughKey(kind));
  const completeThrough = stored === null ? cutoff : Number(stored);
  return Math.max(cutoff, Math.min(completeThrough, daysBefore(asOf, recheckDays)));
}

/** Everything of this kind issued up to the end of the as-of date is stored everywhere. */
export function recordComplete(ledger: Ledger, kind: AccountingKind, asOf: AsOf): void {
  const stored = ledger.getMeta(completeThroughKey(kind));
  ledger.setMeta(completeThroughKey(kind), String(Math.max(Number(stored ?? 0), asOf.end)));
}
