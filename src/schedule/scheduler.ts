// `backup schedule`: node-cron starts `backup run` once a night in a process of its own, so that a crash or a leak
// in one night cannot take the scheduler down. A night never starts while the last one runs (and the run lock also
// keeps out a manual run). Stopping it (SIGTERM from `docker stop` or systemd, Ctrl-C) passes the signal on to a
// running backup and waits for it: the backup records itself as interrupted and writes its last line, and the
// scheduler's own last lines are written before its log closes.
import { spawn } from 'node:child_process';
import os from 'node:os';
import cron from 'node-cron';
import { ExitCode } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { isoInZone } from '../lib/zonedTime.js';
import { createNightlyTick, dailyCronExpression, nextNightlyRun } from './nightly.js';

/** A backup run in a process of its own. */
export interface ChildRun {
  /** Settles with its exit code (128 + the signal's number if a signal ended it). */
  readonly exit: Promise<number>;
  /** Passes a stop signal on. */
  kill(signal: NodeJS.Signals): void;
}

/**
 * The environment of the scheduler's runs: their stderr lines are read in a container's log, not mailed, so they go
 * out as they come unless log.stderr says otherwise.
 */
export function runEnvironment(stderrSetting: 'auto' | 'all' | 'failures', env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return stderrSetting === 'auto' ? { ...env, BACKUP_LOG_STDERR: 'all' } : env;
}

/** `backup run` as a child process, writing to the scheduler's own stdout and stderr (a container's log). */
export function spawnBackupRun(entry: string, env: NodeJS.ProcessEnv): ChildRun {
  // A process group of its own: Ctrl-C on a terminal reaches the scheduler alone, which passes it on once. (Both
  // receiving it would make the run see two signals, and a second one means "stop at once".)
  const child = spawn(process.execPath, [entry, 'run'], { stdio: 'inherit', env, detached: true });
  const exit = new Promise<number>((resolve) => {
    child.on('error', () => resolve(ExitCode.unexpected));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + os.constants.signals[signal] : ExitCode.unexpected)));
  });
  return { exit, kill: (signal) => void child.kill(signal) };
}

export interface Scheduler {
  /** What node-cron calls each night: a run, unless the last one is still going. Settles when the run has ended. */
  tick(): Promise<void>;
  /** The next run, in the schedule's zone. */
  next(): string;
  /**
   * Starts no more runs, passes the signal on to a running backup and settles once it has ended. Called again (a
   * second Ctrl-C), it passes that signal on too, which stops the backup at once.
   */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export function startScheduler(o: { time: string; timeZone: string; logger: Logger; startRun(): ChildRun }): Scheduler {
  let current: ChildRun | null = null;
  let inFlight: Promise<void> | null = null;
  let stopped: Promise<void> | null = null;
  const next = () => isoInZone(nextNightlyRun(o.time, o.timeZone).getTime(), o.timeZone);
  const nightly = createNightlyTick(
    async () => {
      current = o.startRun();
      try {
        return await current.exit;
      } finally {
        current = null;
      }
    },
    {
      skipped: () => o.logger.warn('the previous backup is still running; not starting another'),
      finished: (code) =>
        o.logger.info(stopped ? `the running backup stopped with exit code ${code}` : `nightly backup finished with exit code ${code}; next run at ${next()}`),
    },
  );
  const tick = () => {
    if (stopped) return Promise.resolve();
    const run = nightly();
    inFlight = run.finally(() => {
      if (inFlight === run) inFlight = null;
    });
    return run;
  };
  const task = cron.schedule(dailyCronExpression(o.time), tick, { timezone: o.timeZone, noOverlap: true, name: 'nightly-backup' });

  return {
    tick,
    next,
    stop(signal) {
      current?.kill(signal);
      if (stopped) return stopped;
      void task.stop();
      o.logger.info(`${signal} received: scheduler stopping${current ? '; the running backup is asked to stop, and waited for' : ''}`);
      stopped = (async () => {
        await inFlight;
        o.logger.info('scheduler stopped');
      })();
      return stopped;
    },
  };
}
