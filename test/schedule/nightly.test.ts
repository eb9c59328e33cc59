import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
// Imported here, not inside a test: its afterEach, which removes the folders, registers only at the top level.
import { tempDir } from '../helpers/tempDir.js';
import { createNightlyTick, dailyCronExpression, nextNightlyRun } from '../../src/schedule/nightly.js';

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
    expect(dailyCronExpression('02:00')).toBe('0 2 * * *');
    expect(dailyCronExpression('23:45')).toBe('45 23 * * *');
    // 01:30 UTC on Nov 21 is 02:30 in Warsaw: tonight's 02:00 is gone, the next is Nov 22 01:00 UTC.
    expect(nextNightlyRun('02:00', 'Europe/Warsaw', Date.UTC(2026, 10, 21, 1, 30)).toISOString()).toBe('2026-11-22T01:00:00.000Z');
    expect(nextNightlyRun('02:00', 'Europe/Warsaw', Date.UTC(2026, 10, 21, 0, 30)).toISOString()).toBe('2026-11-21T01:00:00.000Z');
  });
});

describe('backup schedule', () => {
  it('stays in the foreground, says when it runs next, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [BIN, 'schedule'], {
      env: { PATH: process.env.PATH ?? '', BACKUP_DATA_DIR: `${dir}/data`, BACKUP_DESTINATION: `local:${dir}/b`, BACKUP_SCHEDULE_TIME: '03:30' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('scheduler started')) resolve();
      });
    });
    expect(stderr).toMatch(/nightly at 03:30 Europe\/Warsaw; next run at 20\d\d-\d\d-\d\dT\d\d:30:00/);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });
});
