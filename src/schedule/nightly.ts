import cron from 'node-cron';

/** The cron expression for a daily time "HH:mm". */
export function dailyCronExpression(time: string): string {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return `${minutes} ${hours} * * *`;
}

/**
 * The next `count` instants `backup schedule` starts a run, as node-cron itself computes them from now (a task made
 * and never started): around a change of the clocks the answer is node-cron's, not a calculation of our own that
 * could disagree with it.
 */
export function upcomingNightlyRuns(time: string, timeZone: string, count: number): Date[] {
  const task = cron.createTask(dailyCronExpression(time), () => undefined, { timezone: timeZone });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

/** The next instant `backup schedule` starts a run. */
export function nextNightlyRun(time: string, timeZone: string): Date {
  return upcomingNightlyRuns(time, timeZone, 1)[0]!;
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
