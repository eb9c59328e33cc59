import { spawn } from 'node:child_process';
import cron from 'node-cron';
import { ExitCode } from '../lib/errors.js';
import { createNightlyTick, dailyCronExpression, nextNightlyRun } from '../schedule/nightly.js';
import { withSession } from './session.js';

/**
 * Stays in the foreground and starts `backup run` once a night. Each run is a child process, so a crash or a leak
 * in one night cannot take the scheduler down; a night never starts while the previous run is still going, and
 * the run lock also keeps out a manual run started meanwhile.
 */
export async function scheduleCommand(entry: string): Promise<ExitCode> {
  return withSession({ logFile: true }, async ({ installation, logger }) => {
    const { time } = installation.settings.schedule;
    const timeZone = installation.settings.schedule.timeZone ?? installation.settings.timeZone;
    const next = () => nextNightlyRun(time, timeZone, Date.now()).toISOString();
    let running = false;
    const tick = createNightlyTick(
      async () => {
        running = true;
        try {
          return await runChild(entry);
        } finally {
          running = false;
        }
      },
      {
        skipped: () => logger.warn('the previous backup is still running; not starting another'),
        finished: (code) => logger.info(`nightly backup finished with exit code ${code}; next run at ${next()}`),
      },
    );
    const task = cron.schedule(dailyCronExpression(time), tick, { timezone: timeZone, noOverlap: true, name: 'nightly-backup' });
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info(`${signal} received: scheduler stopping${running ? ' (the running backup is crash-safe and resumes next time)' : ''}`);
        void task.stop();
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    logger.info(`scheduler started: nightly at ${time} ${timeZone}; next run at ${next()}`);
    await stopped;
    return ExitCode.ok;
  });
}

function runChild(entry: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, 'run'], { stdio: 'inherit' });
    child.on('error', () => resolve(ExitCode.unexpected));
    child.on('exit', (code) => resolve(code ?? ExitCode.unexpected));
  });
}
