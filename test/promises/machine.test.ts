// Secrets and the machine. The BaseLinker token never appears in any output or file, on any failure path; files
// in the data dir that hold credentials are the owner's alone; a data dir that is full, read-only or not a folder
// gives one clear line, a non-zero exit and an intact ledger, and the next run (on a healed disk) completes
// exactly once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { CRASH_ENV } from '../../src/lib/crashPoint.js';
import type { CliResult } from '../helpers/cli.js';
import { compareWithLedger, credentialFilesNotPrivate, everyFile, type Reference } from './checks.js';
import { lanes } from './cliProcess.js';
import { localDestination } from './destinations.js';
import { TOKEN, cleanRun, exactlyOnceProblems, openWorld, worldDir, type World } from './world.js';

// These attack the program's ledger, CLI and data dir; the local folder is the destination they need (plant, tamper).
const harness = localDestination;
// Each test is its own world: two at a time, one per core.
const lane = lanes(2);
let reference: Reference;
beforeAll(async () => {
  reference = await cleanRun(harness);
});

/** Forms a secret could leak in: as is, URL-encoded, in base64, and as JSON inside a string. */
const leaks = (secret: string) => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), JSON.stringify(secret).slice(1, -1)];

describe('secrets', () => {
  it.concurrent('the BaseLinker token appears in no output and no file, whatever fails', ({ expect }) => lane(async () => {
    const outputs: { what: string; result: CliResult }[] = [];
    const world = await openWorld(harness, { env: { BACKUP_LOG_LEVEL: 'debug', BASELINKER_TIMEOUT_SECONDS: '1' } });
    const wrongToken = 'BLTOKEN-wrong-9e8d7c6b5a4f3e2d';
    try {
      const record = async (what: string, result: Promise<CliResult>) => outputs.push({ what, result: await result });
      // Transient faults, retried (their warnings and debug lines are printed); one per request, as each retry waits.
      world.emulator.injectFault({ kind: 'reset', method: 'getOrders' });
      world.emulator.injectFault({ kind: 'delay', method: 'getInvoices', delayMs: 1500 });
      await record('faults, debug log', world.run());
      // A token that stays blocked: the run gives up.
      world.emulator.injectFault({ kind: 'blocked', method: 'getReceipts', delayMs: 200, times: 4 });
      await record('blocked token', world.run(['--only', 'receipts']));
      // Killed half-way.
      await record('killed', world.run([], { [CRASH_ENV]: 'after-upload:1' }));

      // Then, side by side (none of them stores anything): status, verify, a dry run; usage and configuration
      // errors with the token set; a destination and a data dir that cannot be written; the wrong token.
      const config = path.join(world.root, 'backup.json');
      fs.writeFileSync(config, JSON.stringify({ baselinker: { token: TOKEN }, orders: { lookbakDays: 3 } }));
      const blocked = path.join(world.root, 'not-a-folder');
      fs.writeFileSync(blocked, '');
      const sideBySide: [string, Promise<CliResult>][] = [
        ['status', world.cli(['status'])],
        ['status --json', world.cli(['status', '--json'])],
        ['verify', world.cli(['verify'])],
        ['dry run', world.run(['--dry-run'])],
        ['bad date', world.run(['--date', '2026-02-30'])],
        ['bad zone', world.run([], { BACKUP_TIMEZONE: 'Mars/Olympus' })],
        ['token in a config file with a typo', world.run([], { BACKUP_CONFIG: config, BASELINKER_TOKEN: '' })],
        ['destination under a file', world.run([], { BACKUP_DESTINATION: `local:${blocked}/backup`, BACKUP_DATA_DIR: path.join(world.root, 'data2') })],
        ['data dir under a file', world.run([], { BACKUP_DATA_DIR: `${blocked}/data` })],
        ['wrong token', world.run([], { BASELINKER_TOKEN: wrongToken })],
      ];
      for (const [what, result] of sideBySide) await record(what, result);
      fs.rmSync(config); // the one file that holds the token on purpose
      // And the last run completes, so the ledger and log hold a whole night.
      await record('completed', world.run());

      expect(outputs.map((o) => [o.what, o.result.code])).toEqual([
        ['faults, debug log', 0],
        ['blocked token', 1],
        ['killed', null],
        ['status', 0],
        ['status --json', 0],
        ['verify', 0],
        ['dry run', 0],
        ['bad date', 2],
        ['bad zone', 2],
        ['token in a config file with a typo', 2],
        ['destination under a file', 2],
        ['data dir under a file', 1],
        ['wrong token', 5],
        ['completed', 0],
      ]);
      const texts = outputs.map((o) => ({ where: `${o.what} (stdout/stderr)`, text: o.result.stdout + o.result.stderr }));
      for (const [file, bytes] of [...everyFile(world.root)]) texts.push({ where: file, text: bytes.toString('latin1') });
      expect(texts.length).toBeGreaterThan(40);
      for (const secret of [TOKEN, wrongToken]) {
        for (const form of leaks(secret)) expect(texts.filter((t) => t.text.includes(form)).map((t) => t.where), form).toEqual([]);
      }
      // The log file was written (so its absence of the token means something).
      expect(fs.readFileSync(path.join(world.dataDir, 'backup.log'), 'utf8')).toMatch(/request timed out; retry 1/);
    } finally {
      await world.close();
    }
  }), 180_000);

  it.concurrent('the data dir is the owner\'s alone, and every credential file in it is 0600', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      expect(fs.statSync(world.dataDir).mode & 0o777).toBe(0o700);
      expect(credentialFilesNotPrivate(world.dataDir)).toEqual([]);
      // The check itself catches a credential file that others can read.
      fs.writeFileSync(path.join(world.dataDir, 'google-credentials.json'), '{}', { mode: 0o644 });
      fs.chmodSync(path.join(world.dataDir, 'google-credentials.json'), 0o644);
      expect(credentialFilesNotPrivate(world.dataDir)).toEqual([path.join(world.dataDir, 'google-credentials.json')]);
    } finally {
      await world.close();
    }
  }));
});

// Mounting needs root (or CAP_SYS_ADMIN); without it the full and read-only cases are skipped, and say so.
const canMount = (() => {
  if (process.platform !== 'linux') return false;
  const probe = worldDir('blb-mount-probe-');
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return ok;
})();
const isRoot = process.getuid?.() === 0;

function mount(args: string[]) {
  const r = spawnSync('mount', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
}

/** One line of error, no stack trace. */
function expectClearFailure(expect: ExpectStatic, result: CliResult, pattern: RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull();
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

function ledgerIntact(expect: ExpectStatic, world: World) {
  expect(world.query<{ integrity_check: string }>('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
}

describe('the data dir', () => {
  it.concurrent('a path through a file: one clear line, exit 1', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      const file = path.join(world.root, 'a-file');
      fs.writeFileSync(file, '');
      const result = await world.run([], { BACKUP_DATA_DIR: path.join(file, 'data') });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`cannot write to the data dir ${path.join(file, 'data')} (BACKUP_DATA_DIR): ${file} is a file`);
      expect(await world.destination.files()).toEqual(new Map());
    } finally {
      await world.close();
    }
  }));

  (canMount ? it.concurrent : it.skip)('full, before and during a run: a clear error, a non-zero exit, an intact ledger; then the next run completes exactly once', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    fs.mkdirSync(world.dataDir);
    mount(['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', world.dataDir]);
    const filler = path.join(world.dataDir, 'filler');
    // Leaves `free` bytes on the data dir's file system.
    const fillUpTo = (free: number) => {
      fs.rmSync(filler, { force: true });
      const { bavail, bsize } = fs.statfsSync(world.dataDir);
      fs.writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - free)));
    };
    try {
      // Room for the orders spool and a few ledger commits, not for a whole night: it fills up half-way.
      fillUpTo(240 * 1024);
      const midway = await world.run();
      expectClearFailure(expect, midway, /(database or disk is full|no space left on device).*: the disk is full: free some space and run again/);
      // The first document the ledger cannot record stops the run: not one error line per remaining document.
      expect(midway.stderr.split('\n').filter((line) => line.includes('could not store'))).toEqual([]);
      expect((await world.destination.files()).size).toBeGreaterThan(0);
      ledgerIntact(expect, world);
      expect(compareWithLedger(await world.destination.files(), world.rows(), { completed: false }).problems).toEqual([]);

      fillUpTo(0);
      const rows = world.rows();
      const files = await world.destination.files();
      const before = await world.run();
      expectClearFailure(expect, before, /the disk is full: free some space and run again/);
      expect(before.stderr.trim().split('\n').filter((l) => !l.includes('"info"'))).toHaveLength(1);
      ledgerIntact(expect, world);
      expect(world.rows()).toEqual(rows);
      expect(await world.destination.files()).toEqual(files);

      fs.rmSync(filler);
      const healed = await world.run();
      expect(healed.code, healed.stderr).toBe(0);
      const problems = await exactlyOnceProblems(world, reference);
      // The mid-run failure's orders CSV is complete; nothing else may be off.
      expect(problems).toEqual([]);
    } finally {
      spawnSync('umount', [world.dataDir]);
      await world.close();
    }
  }));

  (canMount || !isRoot ? it.concurrent : it.skip)('read-only: a clear error, a non-zero exit, an untouched ledger; writable again, the next run completes exactly once', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run(['--only', 'invoices'])).code).toBe(0);
      const ledgerBytes = fs.readFileSync(path.join(world.dataDir, 'ledger.sqlite'));
      const files = await world.destination.files();
      // As root a read-only bind mount (root ignores permissions); as anyone else, permissions suffice.
      if (isRoot) mount(['--bind', '-o', 'ro', world.dataDir, world.dataDir]);
      else spawnSync('chmod', ['-R', 'a-w', world.dataDir]);
      try {
        const refused = await world.run();
        expectClearFailure(expect, refused, /cannot write to the data dir .* \(BACKUP_DATA_DIR\): .*(is on a read-only file system|may not write in)/);
        const status = await world.cli(['status']);
        expectClearFailure(expect, status, /read-only or not writable by this user/);
        expect(await world.destination.files()).toEqual(files);
      } finally {
        if (isRoot) spawnSync('umount', [world.dataDir]);
        else spawnSync('chmod', ['-R', 'u+w', world.dataDir]);
      }
      expect(fs.readFileSync(path.join(world.dataDir, 'ledger.sqlite')).equals(ledgerBytes)).toBe(true);
      const healed = await world.run();
      expect(healed.code, healed.stderr).toBe(0);
      expect(await exactlyOnceProblems(world, reference)).toEqual([]);
    } finally {
      await world.close();
    }
  }));
});

if (!canMount) console.log(`machine.test: cannot mount here (${isRoot ? 'root without CAP_SYS_ADMIN' : 'not root'}): the full data dir case is skipped${isRoot ? ', and so is the read-only one' : ''}`);
