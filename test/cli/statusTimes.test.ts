// `status` speaks one zone: the account's for what happened (runs, the cutoff), the schedule's for the next run,
// each with its offset; it says "all" rather than 1970 after backfillFrom "all", and warns about a nightly time
// the clocks skip or repeat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/demoBackup.js';

const TOKEN = 'status-times-token-8e2a';
let emulator: BaseLinkerEmulator;
beforeAll(async () => {
  emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: '2026-11-20' }) });
});
afterAll(() => emulator.close());

const env = (extra: Record<string, string> = {}) => demoEnv(emulator, TOKEN, 'blb-status-', extra).env;

describe('status', () => {
  it('after backfillFrom "all", the cutoff is "all", not 1970', async () => {
    const e = env({ BACKUP_BACKFILL_FROM: 'all' });
    expect((await runCli(['run', '--date', '2026-11-20', '--only', 'receipts'], e)).code).toBe(0);
    const json = JSON.parse((await runCli(['status', '--json'], e)).stdout) as { cutoff: string };
    expect(json.cutoff).toBe('all');
    const text = (await runCli(['status'], e)).stdout;
    expect(text).toContain('first-run cutoff: none: every invoice and receipt BaseLinker has (backfillFrom "all")');
    expect(text).not.toContain('1970');
  });

  it("shows runs in the account's zone and the next run in the schedule's, each with its offset", async () => {
    const e = env({ BACKUP_TIMEZONE: 'Europe/Warsaw', BACKUP_SCHEDULE_TIMEZONE: 'America/New_York', BACKUP_SCHEDULE_TIME: '04:15' });
    expect((await runCli(['run', '--date', '2026-11-20', '--only', 'receipts'], e)).code).toBe(0);
    const json = JSON.parse((await runCli(['status', '--json'], e)).stdout) as { nextScheduledRun: string; runs: { startedAt: string }[]; scheduleNotes: string[] };
    expect(json.nextScheduledRun).toMatch(/^20\d\d-\d\d-\d\dT04:15:00-0[45]:00$/);
    expect(json.runs[0]!.startedAt).toMatch(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
    expect(json.scheduleNotes).toEqual([]);
  });

  it('warns when the nightly time is in the hour the clocks skip: no backup that night', async () => {
    const text = (await runCli(['status'], env({ BACKUP_SCHEDULE_TIME: '02:30' }))).stdout;
    expect(text).toMatch(/\n {2}note: 02:30 does not exist in Europe\/Warsaw on 20\d\d-03-\d\d \(the clocks go forward\): no backup that night;/);
    expect(text).toMatch(/\n {2}note: 02:30 happens twice in Europe\/Warsaw on 20\d\d-10-\d\d \(the clocks go back\): one backup, at the second/);
  });
});
