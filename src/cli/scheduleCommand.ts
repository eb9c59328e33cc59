import { ExitCode } from '../lib/errors.js';
import { clockChangeNotes } from '../schedule/clockChanges.js';
import { runEnvironment, spawnBackupRun, startScheduler } from '../schedule/scheduler.js';
import { withSession } from './session.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Stays in the foreground and starts `backup run` once a night (src/schedule/scheduler.ts), until a stop signal. */
export async function scheduleCommand(entry: string): Promise<ExitCode> {
  return withSession({ logFile: true, live: true }, async ({ installation, logger }) => {
    const { time } = installation.settings.schedule;
    const timeZone = installation.settings.schedule.timeZone ?? installation.settings.timeZone;
    const env = runEnvironment(installation.settings.log.stderr);
    const scheduler = startScheduler({ time, timeZone, logger, startRun: () => spawnBackupRun(entry, env) });
    // Listening before the first line: a stop that comes as soon as the scheduler says it started is a clean stop.
    let onSignal = (_signal: NodeJS.Signals): void => undefined;
    const stopped = new Promise<void>((resolve) => {
      onSignal = (signal) => void scheduler.stop(signal).then(resolve);
    });
    for (const signal of SIGNALS) process.on(signal, onSignal);
    try {
      logger.info(`scheduler started: nightly at ${time} ${timeZone}; next run at ${scheduler.next()}`);
      for (const note of clockChangeNotes(time, timeZone)) logger.warn(note);
      await stopped;
    } finally {
      // Nothing may log once the session closes the log.
      for (const signal of SIGNALS) process.off(signal, onSignal);
    }
    return ExitCode.ok;
  });
}
