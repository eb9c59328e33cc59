// The cutoff is where a first backup starts: the 1st of its month, as BaseLinker's own backup does. Nothing older
// is copied unless backfillFrom says so, which a new user cannot guess: the first run says it, and a run as of a
// date before the cutoff says why it finds nothing.
import type { Logger } from '../lib/logger.js';
import { formatDay } from '../render/format.js';
import type { AsOf } from './asOf.js';

export function explainCutoff(logger: Logger, o: { firstRun: boolean; cutoff: number; asOf: AsOf; backfillFrom: string | null }): void {
  if (o.cutoff <= 0) return;
  const day = (seconds: number) => formatDay(seconds, o.asOf.timeZone);
  const cutoff = day(o.cutoff);
  if (o.asOf.end < o.cutoff) {
    logger.warn(
      `${o.asOf.date} is before the first-run cutoff ${cutoff}: its invoices and receipts are not backed up; ` +
        `BACKUP_BACKFILL_FROM=${o.asOf.date.slice(0, 8)}01 (or "all") copies them once, on the next run`,
    );
  } else if (o.firstRun && !o.backfillFrom) {
    logger.info(
      `first run: invoices and receipts are backed up from ${cutoff} on; older ones are not copied unless ` +
        `BACKUP_BACKFILL_FROM names where to start (a date such as ${day(o.cutoff - 1).slice(0, 8)}01, or "all"), once`,
    );
  } else if (o.firstRun) {
    logger.info(`first run: invoices and receipts are backed up from ${cutoff} on (BACKUP_BACKFILL_FROM ${o.backfillFrom})`);
  }
}
