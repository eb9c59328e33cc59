import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { acquireRunLock } from '../../src/schedule/lock.js';
import { logMessages, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

const TOKEN = 'cli-test-token-7d41e9a0';
let emulator: BaseLinkerEmulator;

beforeAll(async () => {
  emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: '2026-11-20' }) });
});
afterAll(() => emulator.close());

function env(patch: Record<string, string | undefined> = {}): Record<string, string> {
  const root = tempDir();
  const all: Record<string, string | undefined> = {
    BASELINKER_TOKEN: TOKEN,
    BASELINKER_API_URL: emulator.url,
    BASELINKER_REQUESTS_PER_MINUTE: '0',
    BACKUP_DATA_DIR: path.join(root, 'data'),
    BACKUP_DESTINATION: `local:${path.join(root, 'backup')}`,
    ...patch,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('exit codes and one-line errors', () => {
  it.each([
    [['run', '--date', '2026-02-30'], /--date must be a real calendar date/],
    [['run', '--date', '21.11.2026'], /--date must be a real calendar date/],
    [['run', '--date', '2999-01-01'], /--date 2999-01-01 is in the future/],
    [['run', '--only', 'orders,faktury'], /--only takes a comma-separated list of orders, invoices, receipts/],
    [['run', '--no-such-option'], /unknown option '--no-such-option'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j exits 2', async (args, message) => {
    const result = await runCli(args, env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing token exits 2 and says how to get one', async () => {
    const result = await runCli(['run'], env({ BASELINKER_TOKEN: undefined }));
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /BASELINKER_TOKEN is not set/);
  });

  it('no destination exits 2', async () => {
    const result = await runCli(['run'], env({ BACKUP_DESTINATION: undefined }));
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /no destination configured: set BACKUP_DESTINATION/);
  });

  it('a wrong token exits 5 and is not echoed', async () => {
    const wrong = 'wrong-token-3b9f1c22aa';
    const result = await runCli(['run', '--date', '2026-11-20'], env({ BASELINKER_TOKEN: wrong, BACKUP_LOG_LEVEL: 'error' }));
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/BaseLinker refused the token/);
    expect(result.stderr + result.stdout).not.toContain(wrong);
  });

  it('a BASELINKER_API_URL with no API behind it exits 1 at once, naming the address and the variable', async () => {
    const url = emulator.url.replace('connector.php', 'api.php');
    const result = await runCli(['run', '--date', '2026-11-20'], env({ BASELINKER_API_URL: url }));
    expect(result.code).toBe(1);
    expect(logMessages(result.stderr)).toContain(`HTTP 404 (no BaseLinker API at this address) from ${url} (BASELINKER_API_URL); a retry will not help: check the address`);
    expect(logMessages(result.stderr)).not.toMatch(/retry 1 in/);
  });

  it('a run while another holds the lock exits 4 and names it', async () => {
    const e = env();
    const lock = acquireRunLock(e.BACKUP_DATA_DIR!, 'UTC', new Date('2026-11-21T02:30:00Z'));
    try {
      const result = await runCli(['run', '--date', '2026-11-20'], { ...e, BACKUP_TIMEZONE: 'Europe/Warsaw' });
      expect(result.code).toBe(4);
      // In the account's zone, as every time the program shows.
      expect(result.stderr).toContain(`another backup is running (pid ${process.pid}, since 2026-11-21T03:30:00+01:00)`);
    } finally {
      lock.release();
    }
    expect((await runCli(['run', '--date', '2026-11-20'], e)).code).toBe(0);
  });

  it('--version prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], env());
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it('`backup` alone shows the help on stdout and exits 0', async () => {
    const result = await runCli([], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: backup \[options\] \[command\]/);
    expect(result.stdout).toMatch(/\n {2}run \[options\] +run one backup now/);
    expect(result.stderr).toBe('');
  });

  it('--help exits 0', async () => {
    const result = await runCli(['run', '--help'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--dry-run');
  });
});
