import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';

/** The cron expression for a daily time "HH:mm". */
export function dailyCronExpression(time: string): string {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return `${minutes} ${hours} * * *`;
}

/** The next instant the nightly run starts (in `timeZone`), after `nowMs`. */
export function nextNightlyRun(time: string, timeZone: string, nowMs: number): Date {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const now = new TZDate(nowMs, timeZone);
  const today = new TZDate(now.getFullYear(), now.getMonth(), now.getDate(), hours, minutes, 0, timeZone);
  return new Date((today.getTime() > nowMs ? today : addDays(today, 1)).getTime());
}

/**
 * The nightly tick: starts a run unless the previous one is still going, which it reports instead. Whatever a run
 * returns or throws, the next night may start.
 */
export function createNightlyTick(run: () => Promise<number>, report: { skipped(): void; finished(code: number): void }): () => Promise<void> {
  let running = false;
  return async () => {
    if (running) {
      report.skipped();
      return;
    }
    running = true;
    try {
      report.finished(await run());
    } finally {
      running = false;
    }
  };
}
