// A folder the program may not write (the Docker image's uid 1000 meeting a root-owned host folder, a systemd unit
// without ReadWritePaths) or can never write (/proc): one line that says what to do, before anything is read from
// BaseLinker, for the destination and for the data dir alike; never a hang, never a line per document.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { logMessages, runCli, type CliResult } from '../helpers/cli.js';

const TOKEN = 'unwritable-test-token-5c1d';
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
/** Root runs the CLI as nobody (a real foreign owner, as in Docker); anyone else runs it as themselves, on chmod 0555. */
const mode: 'nobody' | 'self' | null = isRoot ? (hasSetpriv ? 'nobody' : null) : 'self';
const uid = mode === 'nobody' ? NOBODY : process.getuid?.();
// The test's folders must be reachable by nobody: a temp folder whose every ancestor others may enter.
const base = ['/dev/shm', os.tmpdir()].find((dir) => fs.existsSync(dir) && ancestors(dir).every((d) => (fs.statSync(d).mode & 0o001) !== 0));
const runnable = mode !== null && (mode === 'self' || base !== undefined);
const inDocker = fs.existsSync('/.dockerenv');
const dockerNote = inDocker ? ' (in Docker: on the host, for the folder mounted here)' : '';

let emulator: BaseLinkerEmulator;
beforeAll(async () => {
  emulator = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: '2026-11-20' }) });
});
afterAll(() => emulator.close());

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) {
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function ancestors(dir: string): string[] {
  const out = [path.resolve(dir)];
  while (path.dirname(out.at(-1)!) !== out.at(-1)) out.push(path.dirname(out.at(-1)!));
  return out;
}

/** A folder for one test that the CLI's user may enter; `writable` folders inside are theirs to write. */
function world() {
  const root = fs.mkdtempSync(path.join(mode === 'nobody' ? base! : os.tmpdir(), 'blb-unwritable-'));
  made.push(root);
  fs.chmodSync(root, 0o755);
  const folder = (name: string, o: { writable: boolean }) => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { mode: 0o755 });
    if (o.writable && mode === 'nobody') fs.chownSync(dir, NOBODY, NOBODY);
    if (!o.writable && mode === 'self') fs.chmodSync(dir, 0o555);
    return dir;
  };
  return { root, folder };
}

function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const all = { BASELINKER_TOKEN: TOKEN, BASELINKER_API_URL: emulator.url, BASELINKER_REQUESTS_PER_MINUTE: '0', ...env };
  return runCli(args, all, { uid: mode === 'nobody' ? NOBODY : undefined, timeoutMs: 30_000 });
}

/** What the one line says about a folder this user may not write. */
function advice(dir: string): string {
  return mode === 'nobody'
    ? `this user (uid ${NOBODY}) may not write in ${dir}, which belongs to uid 0: \`chown -R ${NOBODY} ${dir}\`${dockerNote}, or run as its owner`
    : `this user (uid ${uid}) may not write in ${dir}: \`chmod u+rwx ${dir}\``;
}

/**
 * The lines on stderr (their messages, whatever the log format; "backup: " where the failure came before the logger),
 * checked for a stack trace: the tests expect exactly one.
 */
function theOneLine(result: CliResult): string[] {
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return logMessages(result.stderr).split('\n').filter(Boolean).map((line) => line.replace(/^backup: /, ''));
}

describe.runIf(runnable)(`a folder this user may not write (the CLI runs as ${mode === 'nobody' ? 'nobody, through setpriv' : 'this user, on chmod 0555 folders'})`, () => {
  it.each([[[]], [['--dry-run']]])('the destination, with %j: exit 3, one line naming the uid and the chown, nothing read from BaseLinker', async (extra) => {
    const w = world();
    const data = w.folder('data', { writable: true });
    const destination = w.folder('backup', { writable: false });
    const requestsBefore = emulator.requests.length;
    const result = await cli(['run', '--date', '2026-11-20', ...extra], { BACKUP_DATA_DIR: data, BACKUP_DESTINATION: `local:${destination}` });
    expect(result.code).toBe(3);
    expect(theOneLine(result)).toEqual([`cannot write to ${destination}: ${advice(destination)}`]);
    expect(emulator.requests.length).toBe(requestsBefore);
    expect(fs.readdirSync(destination)).toEqual([]);
  });

  it('a destination that does not exist yet, in a folder this user may not write: how to create it for them', async () => {
    const w = world();
    const data = w.folder('data', { writable: true });
    const parent = w.folder('srv', { writable: false });
    const destination = path.join(parent, 'backup');
    const result = await cli(['run', '--date', '2026-11-20'], { BACKUP_DATA_DIR: data, BACKUP_DESTINATION: `local:${destination}` });
    expect(result.code).toBe(3);
    expect(theOneLine(result)).toEqual([
      `cannot write to ${destination}: this user (uid ${uid}) may not write in ${parent}: create ${destination} for it, e.g. \`mkdir -p ${destination} && chown ${uid} ${destination}\`${dockerNote}`,
    ]);
  });

  it.each([[[]], [['--dry-run']]])('the data dir, with %j: exit 1, one line naming BACKUP_DATA_DIR, the uid and the chown, nothing read or written', async (extra) => {
    const w = world();
    const data = w.folder('data', { writable: false });
    const destination = w.folder('backup', { writable: true });
    const requestsBefore = emulator.requests.length;
    const result = await cli(['run', '--date', '2026-11-20', ...extra], { BACKUP_DATA_DIR: data, BACKUP_DESTINATION: `local:${destination}` });
    expect(result.code).toBe(1);
    expect(theOneLine(result)).toEqual([`cannot write to the data dir ${data} (BACKUP_DATA_DIR): ${advice(data)}`]);
    expect(emulator.requests.length).toBe(requestsBefore);
    expect(fs.readdirSync(data)).toEqual([]);
    expect(fs.readdirSync(destination)).toEqual([]);
  });
});

if (!runnable) console.log('unwritableFolders.test: running as root without setpriv, so the CLI cannot run as another user; the permission cases are skipped');

describe.runIf(process.platform === 'linux')('a folder in /proc, which no one can write', () => {
  // Node's own recursive mkdir spun forever at 100% CPU on these: the CLI's timeout would end the test with null.
  it.each([[[]], [['--dry-run']]])('as the destination, with %j: exit 2 at start, one line', async (extra) => {
    const result = await runCli(['run', '--date', '2026-11-20', ...extra], { BASELINKER_TOKEN: TOKEN, BACKUP_DATA_DIR: path.join(os.tmpdir(), 'unused'), BACKUP_DESTINATION: 'local:/proc/x' });
    expect(result.code).toBe(2);
    expect(theOneLine(result)).toEqual([
      'BACKUP_DESTINATION (config key "destinations") must name a folder, and /proc belongs to the kernel\'s proc file system, which cannot hold files: choose a folder on a disk (got "local:/proc/x")',
    ]);
  });

  it.each([[['run']], [['run', '--dry-run']], [['schedule']]])('as the data dir, for %j: exit 1, one line, no hang', async (args) => {
    const result = await runCli(args, { BASELINKER_TOKEN: TOKEN, BACKUP_DATA_DIR: '/proc/nope/data', BACKUP_DESTINATION: `local:${path.join(os.tmpdir(), 'unused')}` }, { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(theOneLine(result)).toEqual([
      expect.stringMatching(/^cannot write to the data dir \/proc\/nope\/data \(BACKUP_DATA_DIR\): \/proc belongs to the kernel's proc file system, which cannot hold files: choose a folder on a disk$/),
    ]);
  });
});

// A read-only file system needs a read-only bind mount, which needs root with the right to mount.
const canMount = (() => {
  if (!isRoot || process.platform !== 'linux') return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'blb-mount-probe-'));
  const ok = spawnSync('mount', ['--bind', '-o', 'ro', probe, probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return ok;
})();

describe.runIf(canMount)('a destination on a read-only file system', () => {
  // systemd's ProtectSystem=strict makes everything outside ReadWritePaths read-only; it sets INVOCATION_ID.
  it.each([
    ['under systemd', { INVOCATION_ID: '0123456789abcdef' }, (d: string) => `${d} is read-only for this systemd service: add \`ReadWritePaths=-${d}\` to its unit (\`systemctl edit baselinker-backup.service\`), then run again`],
    ['elsewhere', {}, (d: string) => `${d} is on a read-only file system: mount it read-write, or choose another folder`],
  ])('%s: exit 3 and one line that says what to do', async (_where, extra, why) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'blb-readonly-'));
    const destination = path.join(root, 'backup');
    fs.mkdirSync(destination);
    spawnSync('mount', ['--bind', '-o', 'ro', destination, destination]);
    try {
      const result = await runCli(['run', '--date', '2026-11-20'], { BASELINKER_TOKEN: TOKEN, BASELINKER_API_URL: emulator.url, BACKUP_DATA_DIR: path.join(root, 'data'), BACKUP_DESTINATION: `local:${destination}`, ...extra });
      expect(result.code).toBe(3);
      expect(theOneLine(result)).toEqual([`cannot write to ${destination}: ${why(destination)}`]);
    } finally {
      spawnSync('umount', [destination]);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

if (!canMount) console.log('unwritableFolders.test: cannot make a read-only bind mount here (needs root with CAP_SYS_ADMIN); the read-only file system cases are skipped');
