import { spawn } from 'node:child_process';
import cron from 'node-cron';
import { loadConfig } from '../config/config.js';
import { ExitCode } from '../lib/errors.js';
import { flushLogger } from '../lib/logger.js';
import { dailyCronExpression, nextNightlyRun } from '../schedule/nightly.js';
import { setupLogger } from './setup.js';

/**
 * Stays in the foreground and starts `backup run` once a night. Each run is a child process, so a crash or a leak
 * in one night cannot take the scheduler down; a night never starts while the previous run is still going, and
 * the run lock also keeps out a manual run started meanwhile.
 */
export async function scheduleCommand(entry: string): Promise<ExitCode> {
  const config = loadConfig();
  const logger = setupLogger(config, true);
  const { time, timeZone } = config.schedule;
  let running = false;

  const task = cron.schedule(
    dailyCronExpression(time),
    async () => {
      if (running) {
        logger.warn('the previous backup is still running; skipping this night');
        return;
      }
      running = true;
      try {
        const code = await runChild(entry);
        logger.info(`nightly backup finished with exit code ${code}`);
      } finally {
        running = false;
        logger.info(`next run at ${nextNightlyRun(time, timeZone, Date.now()).toISOString()}`);
      }
    },
    { timezone: timeZone, noOverlap: true, name: 'nightly-backup' },
  );
  logger.info(`scheduler started: nightly at ${time} ${timeZone}; next run at ${nextNightlyRun(time, timeZone, Date.now()).toISOString()}`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info(`${signal} received: scheduler stopping${running ? ' (the running backup is crash-safe and resumes next time)' : ''}`);
      void task.stop();
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await flushLogger(logger);
  return ExitCode.ok;
}

function runChild(entry: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, 'run'], { stdio: 'inherit' });
    child.on('error', () => resolve(ExitCode.unexpected));
    child.on('exit', (code) => resolve(code ?? ExitCode.unexpected));
  });
}
