// The ledger is why a re-run never duplicates, so it is never silently replaced: a damaged, unreadable or lost
// ledger stops the program with one line and changes nothing. And `backup verify` compares it with the
// destination without changing either.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { CRASH_ENV } from '../../src/lib/crashPoint.js';
import type { Reference } from './checks.js';
import { lanes } from './cliProcess.js';
import { localDestination } from './destinations.js';
import { cleanRun, exactlyOnceProblems, openWorld, worldDir, type World } from './world.js';

// These attack the program's ledger, CLI and data dir; the local folder is the destination they need (plant, tamper).
const harness = localDestination;
let reference: Reference;
beforeAll(async () => {
  reference = await cleanRun(harness);
});

const ledgerFile = (world: World) => path.join(world.dataDir, 'ledger.sqlite');
// Each test is its own world: two at a time, one per core.
const lane = lanes(2);

/** One line on stderr, no stack trace. */
function expectOneLine(expect: ExpectStatic, stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** After a good run: what a refused run must leave exactly as it was. */
async function snapshot(world: World) {
  return { files: await world.destination.files(), dataDir: fs.readdirSync(world.dataDir).sort() };
}

describe('the ledger', () => {
  it.concurrent('is in WAL mode, and every stored document has its own committed row', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      expect(world.query<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      // Killed right after its 5th upload: the four documents before it (and whatever else was in flight) are
      // recorded, because each is committed on its own as soon as it is stored, not at the end of the run.
      world.emulator.shop.invoices.forEach((i) => (i.additional_info = 'edited, so every invoice is a new version'));
      const killed = await world.run(['--only', 'invoices'], { [CRASH_ENV]: 'after-upload:5' });
      expect(killed.signal).toBe('SIGKILL');
      const newVersions = world.rows().filter((r) => r.version === 2);
      expect(newVersions.filter((r) => r.status === 'stored').length).toBeGreaterThanOrEqual(4);
    } finally {
      await world.close();
    }
  }));

  it.concurrent.for([
    ['garbage', (file: string) => fs.writeFileSync(file, Buffer.alloc(fs.statSync(file).size, 'x')), /cannot open the ledger .*ledger\.sqlite: file is not a database: the ledger is damaged: restore it from a copy/],
    ['a damaged page', (file: string) => {
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 4096);
      fs.closeSync(fd);
    }, /the ledger .*ledger\.sqlite is damaged \(.+\): restore it from a copy|the ledger is damaged: restore it from a copy/],
    ['a folder in its place (unreadable)', (file: string) => {
      fs.rmSync(file);
      fs.mkdirSync(file);
    }, /cannot open the ledger .*ledger\.sqlite: .*: a folder is read-only or not writable by this user/],
  ] as const)('a ledger holding %s: one clear line, exit 1, nothing stored, nothing replaced', ([, damage, message], { expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      damage(ledgerFile(world));
      const damaged = fs.statSync(ledgerFile(world)).isFile() ? fs.readFileSync(ledgerFile(world)) : null;
      const before = await snapshot(world);
      for (const args of [['run', '--date', '2026-11-20'], ['status']]) {
        const result = await world.cli(args);
        expect(result.code, args.join(' ')).toBe(1);
        expectOneLine(expect, result.stderr.replace(/^backup: /, ''), message);
      }
      expect(await snapshot(world)).toEqual(before);
      if (damaged) expect(fs.readFileSync(ledgerFile(world)).equals(damaged)).toBe(true);
    } finally {
      await world.close();
    }
  }));

  it.concurrent.for([
    ['deleted', (file: string) => fs.rmSync(file), /the ledger .*ledger\.sqlite is missing, but a backup was made with it \(ledger\.expected is there\): restore it from a copy/, ['--dry-run', 'status', 'verify']],
    ['emptied', (file: string) => fs.truncateSync(file, 0), /the ledger .*ledger\.sqlite is empty, but a backup was made with it/, []],
  ] as const)('a ledger %s while its marker remains: no fresh start, one clear line', ([, lose, message, alsoRefused], { expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      lose(ledgerFile(world));
      const before = await snapshot(world);
      const commands = alsoRefused.map((c) => (c === '--dry-run' ? ['run', '--date', '2026-11-20', c] : [c]));
      for (const args of [['run', '--date', '2026-11-20'], ...commands]) {
        const result = await world.cli(args);
        expect(result.code, args.join(' ')).toBe(1);
        expectOneLine(expect, result.stderr.replace(/^backup: /, ''), message);
      }
      expect(await snapshot(world)).toEqual(before);
    } finally {
      await world.close();
    }
  }));

  it.concurrent('a lost data dir meeting a destination that holds our backup: refused, not stored a second time', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      fs.rmSync(world.dataDir, { recursive: true });
      const files = await world.destination.files();
      for (const args of [[], ['--dry-run']]) {
        const result = await world.run(args);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/already holds a backup made with another ledger, and the one in .* has no record of it: restore that data dir, or back up into a new, empty destination/);
        expect(result.stderr.trim().split('\n').filter((l) => /"level":"(error|warn)"/.test(l))).toHaveLength(1);
      }
      expect(await world.destination.files()).toEqual(files);
      // It stays refused (the empty ledger it opened does not make the next attempt look legitimate).
      expect((await world.run()).code).toBe(1);
      expect(await world.destination.files()).toEqual(files);
    } finally {
      await world.close();
    }
  }));
  it.concurrent('a destination filled by another ledger, added to a ledger with runs of its own: refused, not stored a second time', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    const [a, b] = [worldDir(), worldDir()];
    const files = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort();
    try {
      const local = (dir: string) => `local:${path.join(dir, 'backup')}`;
      expect((await world.run([], { BACKUP_DATA_DIR: path.join(a, 'data'), BACKUP_DESTINATION: local(a) })).code).toBe(0);
      expect((await world.run([], { BACKUP_DATA_DIR: path.join(b, 'data'), BACKUP_DESTINATION: local(b) })).code).toBe(0);
      const before = files(path.join(a, 'backup'));
      const both = await world.run([], { BACKUP_DATA_DIR: path.join(b, 'data'), BACKUP_DESTINATION: `${local(b)},${local(a)}` });
      expect(both.code).toBe(1);
      expect(both.stderr).toMatch(/already holds a backup made with another ledger/);
      expect(files(path.join(a, 'backup'))).toEqual(before);
    } finally {
      await world.close();
    }
  }));
});

describe('backup verify', () => {
  it.concurrent('agrees after a clean run, and finds a removed, a truncated and an unexpected file without changing anything', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      const agree = await world.cli(['verify']);
      expect(agree.code).toBe(0);
      // 15 invoices, 7 receipts, the orders CSV and its order-items CSV.
      expect(agree.stdout).toMatch(/: 24 files recorded, 24 present with the recorded size\nthe ledger and the destinations agree\n$/);

      const [removed, truncated] = [...reference.documents.keys()];
      await world.destination.tamper!(removed!, 'remove');
      await world.destination.tamper!(truncated!, 'truncate');
      const stray = 'BaseLinker Backup/2026/11/Invoices/not-ours.pdf';
      await world.destination.plant!(stray, Buffer.from('%PDF-1.4 someone else\n%%EOF\n'));
      const files = await world.destination.files();
      const rows = world.rows();
      const logBefore = fs.readFileSync(path.join(world.dataDir, 'backup.log'));

      const disagree = await world.cli(['verify']);
      expect(disagree.code).toBe(6);
      expect(disagree.stdout).toContain(`missing      ${removed} (the ledger records ${reference.documents.get(removed!)!.length} bytes)`);
      expect(disagree.stdout).toContain(`wrong size   ${truncated}: ${Math.floor(reference.documents.get(truncated!)!.length / 2)} bytes, the ledger records ${reference.documents.get(truncated!)!.length} bytes`);
      expect(disagree.stdout).toContain(`unexpected   ${stray} (`);
      expect(disagree.stdout).toMatch(/DISAGREE \(nothing was changed\)\n$/);
      const json = JSON.parse((await world.cli(['verify', '--json'])).stdout) as { agree: boolean; destinations: { missing: unknown[]; wrongSize: unknown[]; unexpected: unknown[] }[] };
      expect(json.agree).toBe(false);
      expect(json.destinations[0]).toMatchObject({ missing: [expect.anything()], wrongSize: [expect.anything()], unexpected: [expect.anything()] });

      expect(await world.destination.files()).toEqual(files);
      expect(world.rows()).toEqual(rows);
      expect(fs.readFileSync(path.join(world.dataDir, 'backup.log')).equals(logBefore)).toBe(true);
    } finally {
      await world.close();
    }
  }));

  it.concurrent('reports an upload a killed run could not record as unconfirmed, not as a disagreement; the next run records it', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      // The 2nd upload is the first invoice (the orders CSV is the 1st).
      expect((await world.run([], { [CRASH_ENV]: 'after-upload:2' })).signal).toBe('SIGKILL');
      const verify = await world.cli(['verify']);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/unconfirmed  BaseLinker Backup\/2026\/11\/Invoices\/\S+\.pdf \(\d+ bytes\): stored by a run killed before it recorded it; kept/);
      expect((await world.run()).code).toBe(0);
      expect(await exactlyOnceProblems(world, reference)).toEqual([]);
      expect((await world.cli(['verify'])).stdout).not.toContain('unconfirmed  BaseLinker Backup/2026/11/Invoices');
    } finally {
      await world.close();
    }
  }));

  it.concurrent('without a ledger there is nothing to verify: exit 2, one line', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      const result = await world.cli(['verify']);
      expect(result.code).toBe(2);
      expectOneLine(expect, result.stderr, /no ledger in .*: nothing to verify yet \(run `backup run` first\)/);
    } finally {
      await world.close();
    }
  }));
});
