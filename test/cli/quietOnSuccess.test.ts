// cron mails whatever a job writes: a run nobody watches writes nothing when it succeeds (the log file keeps every
// line), and everything it had to say when it fails, ending with why. On a terminal, into the systemd journal and
// under `backup schedule`, lines go out as they come; BACKUP_LOG_STDERR chooses either way.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { runEnvironment } from '../../src/schedule/scheduler.js';
import { BIN, guardEnv, logMessages, runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/demoBackup.js';
import { tempDir } from '../helpers/tempDir.js';
import { startCli } from '../promises/cliProcess.js';

const TOKEN = 'quiet-test-token-4b8e';
let emulator: BaseLinkerEmulator;
beforeAll(async () => {
  emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: '2026-11-20' }) });
});
afterAll(() => emulator.close());

/** As cron starts it: not a terminal, BACKUP_LOG_STDERR left at its default. */
function cronEnv(extra: Record<string, string> = {}): Record<string, string> {
  return demoEnv(emulator, TOKEN, 'blb-quiet-', { BACKUP_LOG_STDERR: 'auto', ...extra }).env;
}

const logFile = (env: Record<string, string>) => fs.readFileSync(path.join(env.BACKUP_DATA_DIR!, 'backup.log'), 'utf8');
const RUN = ['run', '--date', '2026-11-20', '--only', 'invoices'];

describe('stderr under cron', () => {
  it('a night that succeeds writes nothing to stderr (no mail); the log file has every line', async () => {
    const env = cronEnv();
    const result = await runCli(RUN, env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(logMessages(logFile(env))).toMatch(/backup as of 2026-11-20 \(invoices\)\nfirst run: .*\ninvoices: \d+ in scope, \d+ stored\nstored /);
  });

  it("a night that fails writes that night's lines, in order, ending with what went wrong", async () => {
    const env = cronEnv({ BASELINKER_TOKEN: 'wrong-token-quiet-1234' });
    const result = await runCli(RUN, env);
    expect(result.code).toBe(5);
    expect(logMessages(result.stderr).split('\n')).toEqual([
      'backup as of 2026-11-20 (invoices)',
      expect.stringMatching(/^first run: invoices and receipts are backed up from 2026-11-01 on/),
      'BaseLinker refused the token (ERROR_BAD_TOKEN: Invalid user token); check BASELINKER_TOKEN',
    ]);
    // As JSON lines, unless BACKUP_LOG_FORMAT says otherwise.
    expect(() => result.stderr.trim().split('\n').map((l) => JSON.parse(l) as unknown)).not.toThrow();
  });

  it('a night interrupted (systemctl stop, docker stop) writes its one line, not the whole night', async () => {
    emulator.injectFault({ kind: 'delay', method: 'getInvoices', delayMs: 60_000 });
    const earlier = emulator.requests.length;
    const running = startCli(RUN, cronEnv(), 30_000);
    // This run's request (the emulator also remembers the other tests').
    await vi.waitFor(() => expect(emulator.requests.slice(earlier).map((r) => r.method)).toContain('getInvoices'), { timeout: 20_000, interval: 20 });
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(143);
    expect(logMessages(result.stderr)).toBe('interrupted by SIGTERM: stopped before the end; what was stored is recorded, and the next run goes on from here');
  });

  it('BACKUP_LOG_FORMAT=text makes the failure readable', async () => {
    const result = await runCli(RUN, cronEnv({ BASELINKER_TOKEN: 'wrong-token-quiet-1234', BACKUP_LOG_FORMAT: 'text' }));
    expect(result.stderr).toMatch(/^\d\d:\d\d:\d\d info  backup as of 2026-11-20 \(invoices\)/);
    expect(result.stderr).toMatch(/\n\d\d:\d\d:\d\d error BaseLinker refused the token/);
  });

  it('BACKUP_LOG_STDERR=all writes every line as it comes, success or not', async () => {
    const result = await runCli(RUN, cronEnv({ BACKUP_LOG_STDERR: 'all' }));
    expect(result.code).toBe(0);
    expect(logMessages(result.stderr)).toMatch(/^backup as of 2026-11-20 \(invoices\)\nfirst run: .*\ninvoices: /);
  });

  it('into the systemd journal (JOURNAL_STREAM names stderr), every line goes out as it comes', async () => {
    const env = cronEnv();
    const out = path.join(tempDir(), 'journal');
    const fd = fs.openSync(out, 'w');
    const stat = fs.fstatSync(fd, { bigint: true });
    const run = (journal: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...RUN], { env: { ...guardEnv(), ...env, JOURNAL_STREAM: journal }, stdio: ['ignore', 'ignore', fd] });
        child.on('close', resolve);
      });
    try {
      // Another stream's device and inode (the journal connected stdout only): still held back.
      expect(await run(`${stat.dev}:${stat.ino + 1n}`)).toBe(0);
      expect(fs.readFileSync(out, 'utf8')).toBe('');
      expect(await run(`${stat.dev}:${stat.ino}`)).toBe(0);
      expect(logMessages(fs.readFileSync(out, 'utf8'))).toMatch(/^backup as of 2026-11-20 \(invoices\)\n(first run: .*\n)?invoices: /);
    } finally {
      fs.closeSync(fd);
    }
  });

  it("`backup schedule` asks its runs for every line (a container's log), unless log.stderr was chosen", () => {
    expect(runEnvironment('auto', { PATH: '/bin' })).toEqual({ PATH: '/bin', BACKUP_LOG_STDERR: 'all' });
    expect(runEnvironment('failures', { PATH: '/bin', BACKUP_LOG_STDERR: 'failures' })).toEqual({ PATH: '/bin', BACKUP_LOG_STDERR: 'failures' });
  });
});
