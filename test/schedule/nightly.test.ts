import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { createLogger, flushLogger } from '../../src/lib/logger.js';
import { createNightlyTick, dailyCronExpression, nextNightlyRun } from '../../src/schedule/nightly.js';
import { spawnBackupRun, startScheduler } from '../../src/schedule/scheduler.js';
import { BIN, guardEnv } from '../helpers/cli.js';
// Imported here, not inside a test: its afterEach, which removes the folders, registers only at the top level.
import { tempDir } from '../helpers/tempDir.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('nightly schedule', () => {
  it('never starts a run while the previous one is going', async () => {
    const events: string[] = [];
    let finish!: (code: number) => void;
    let started = 0;
    const tick = createNightlyTick(
      () => {
        started++;
        return new Promise<number>((resolve) => (finish = resolve));
      },
      { skipped: () => events.push('skipped'), finished: (code) => events.push(`finished ${code}`) },
    );
    const first = tick();
    await tick();
    expect(started).toBe(1);
    finish(0);
    await first;
    const third = tick();
    expect(started).toBe(2);
    finish(3);
    await third;
    expect(events).toEqual(['skipped', 'finished 0', 'finished 3']);
  });

  it('runs at the configured time in the configured zone', () => {
    expect(dailyCronExpression('03:30')).toBe('30 3 * * *');
    expect(dailyCronExpression('23:45')).toBe('45 23 * * *');
    // 02:40 UTC on Nov 21 is 03:40 in Warsaw: tonight's 03:30 is gone, the next is Nov 22 02:30 UTC.
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 21, 2, 40) });
    expect(nextNightlyRun('03:30', 'Europe/Warsaw').toISOString()).toBe('2026-11-22T02:30:00.000Z');
    vi.setSystemTime(Date.UTC(2026, 10, 21, 2, 20));
    expect(nextNightlyRun('03:30', 'Europe/Warsaw').toISOString()).toBe('2026-11-21T02:30:00.000Z');
  });
});

describe('backup schedule', () => {
  it('stays in the foreground, says when it runs next in its own zone, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [BIN, 'schedule'], {
      env: { PATH: process.env.PATH ?? '', BACKUP_DATA_DIR: `${dir}/data`, BACKUP_DESTINATION: `local:${dir}/b`, BACKUP_SCHEDULE_TIME: '03:45' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('scheduler started')) resolve();
      });
    });
    expect(stderr).toMatch(/nightly at 03:45 Europe\/Warsaw; next run at 20\d\d-\d\d-\d\dT03:45:00\+0[12]:00/);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toMatch(/SIGTERM received: scheduler stopping/);
    expect(stderr).toMatch(/scheduler stopped/);
  });

  it('stopped during a night: passes the signal on, waits for the backup to record itself interrupted, and logs its own last lines before closing', async () => {
    const token = 'scheduler-test-token-31d7';
    const emulator = await startBaseLinkerEmulator({ token, shop: demoShop({ asOf: '2026-11-20' }) });
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    const logger = createLogger({ interactive: false, logDir: dataDir });
    try {
      // The run's orders request hangs until the signal makes the run abandon it.
      emulator.injectFault({ kind: 'delay', method: 'getOrders', delayMs: 90_000 });
      const env = { ...guardEnv(), BASELINKER_TOKEN: token, BASELINKER_API_URL: emulator.url, BASELINKER_REQUESTS_PER_MINUTE: '0', BACKUP_DATA_DIR: dataDir, BACKUP_DESTINATION: `local:${path.join(dir, 'backup')}` };
      const scheduler = startScheduler({ time: '03:30', timeZone: 'Europe/Warsaw', logger, startRun: () => spawnBackupRun(BIN, env) });
      const night = scheduler.tick();
      await vi.waitFor(() => expect(emulator.requests.map((r) => r.method)).toContain('getOrders'), { timeout: 30_000, interval: 20 });
      await scheduler.stop('SIGTERM');
      await night;
      await flushLogger(logger);

      const messages = fs.readFileSync(path.join(dataDir, 'backup.log'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { message: string }).message);
      const interrupted = 'interrupted by SIGTERM: stopped before the end; what was stored is recorded, and the next run goes on from here';
      expect(messages.slice(messages.indexOf('SIGTERM received: scheduler stopping; the running backup is asked to stop, and waited for'))).toEqual([
        'SIGTERM received: scheduler stopping; the running backup is asked to stop, and waited for',
        interrupted,
        'the running backup stopped with exit code 143',
        'scheduler stopped',
      ]);
      expect(stderr.join('')).not.toMatch(/cannot write the log file|write after end/);
      const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT outcome, exit_code FROM runs').all()).toEqual([{ outcome: 'interrupted', exit_code: 143 }]);
      } finally {
        db.close();
      }
    } finally {
      await emulator.close();
    }
  });
});
