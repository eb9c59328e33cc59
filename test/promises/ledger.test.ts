// The ledger is the local record of what the destinations hold, and each stored file carries its identity there:
// a lost ledger is rebuilt from the destination (said, never silent) without storing anything twice; a damaged or
// unreadable one stops the program with one line and changes nothing. And `backup verify` compares the ledger with
// the destination without changing either.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
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
/** What a night stores when nothing else is new: its orders snapshot and that snapshot's lines. */
const TONIGHTS_ORDERS = [expect.stringMatching(/\/Orders\/order-items_.*\.csv$/), expect.stringMatching(/\/Orders\/orders_.*\.csv$/)];
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
    ['deleted', (file: string) => fs.rmSync(file)],
    ['emptied', (file: string) => fs.truncateSync(file, 0)],
  ] as const)('a ledger %s while its marker remains: rebuilt from the destination, said so, nothing stored twice', ([, lose], { expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      const before = await world.destination.files();
      lose(ledgerFile(world));
      const result = await world.run();
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/the ledger in .* was lost; it is rebuilt from what the destinations hold/);
      expect(result.stderr).toMatch(new RegExp(`adopted ${before.size} stored copies this data dir had no record of`));
      const after = await world.destination.files();
      for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
      // The new files are this night's orders snapshot and its lines.
      expect([...after.keys()].filter((f) => !before.has(f)).sort()).toEqual(TONIGHTS_ORDERS);
      expect(await exactlyOnceProblems(world, reference)).toEqual([]);
    } finally {
      await world.close();
    }
  }));

  it.concurrent('a lost data dir meeting a destination that holds our backup: adopted, not stored a second time, and the dry run says so first', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.run()).code).toBe(0);
      fs.rmSync(world.dataDir, { recursive: true });
      const before = await world.destination.files();
      const dry = await world.run(['--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout.trim().split('\n').filter((l) => /^local:\S+  /.test(l)).sort()).toEqual(TONIGHTS_ORDERS);
      expect(fs.existsSync(world.dataDir)).toBe(false);
      const result = await world.run();
      expect(result.code).toBe(0);
      expect(result.stderr.trim().split('\n').filter((l) => /"level":"(error|warn)"/.test(l))).toEqual([]);
      expect(result.stderr).toMatch(new RegExp(`adopted ${before.size} stored copies`));
      const after = await world.destination.files();
      expect([...after.keys()].filter((f) => !before.has(f)).sort()).toEqual(TONIGHTS_ORDERS);
      expect(await exactlyOnceProblems(world, reference)).toEqual([]);
      // And the next run, with the rebuilt ledger, adopts nothing more and stores nothing but its own snapshot.
      expect((await world.run()).stderr).not.toMatch(/adopted/);
    } finally {
      await world.close();
    }
  }));

  it.concurrent('a destination filled by another ledger, added to a ledger with runs of its own: adopted, not stored a second time', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    const [a, b] = [worldDir(), worldDir()];
    const files = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => !f.includes('Orders')).sort();
    try {
      const local = (dir: string) => `local:${path.join(dir, 'backup')}`;
      expect((await world.run([], { BACKUP_DATA_DIR: path.join(a, 'data'), BACKUP_DESTINATION: local(a) })).code).toBe(0);
      expect((await world.run([], { BACKUP_DATA_DIR: path.join(b, 'data'), BACKUP_DESTINATION: local(b) })).code).toBe(0);
      const before = files(path.join(a, 'backup'));
      const both = await world.run([], { BACKUP_DATA_DIR: path.join(b, 'data'), BACKUP_DESTINATION: `${local(b)},${local(a)}` });
      expect(both.code).toBe(0);
      expect(both.stderr).toMatch(/local:.*adopted \d+ stored copies/);
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
      // 15 invoices, 7 receipts, the orders CSV and its order-items CSV, and the cutoff record.
      expect(agree.stdout).toMatch(/: 25 files recorded, 25 present and whole\nthe ledger and the destinations agree\n$/);

      const [removed, truncated] = [...reference.documents.keys()].filter((f) => f.endsWith('.pdf'));
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
      expect(disagree.stdout).toContain(`damaged      ${truncated}: ${Math.floor(reference.documents.get(truncated!)!.length / 2)} bytes, the ledger records ${reference.documents.get(truncated!)!.length} bytes`);
      expect(disagree.stdout).toContain(`unexpected   ${stray} (`);
      expect(disagree.stdout).toMatch(/DISAGREE \(nothing was changed\); `backup verify --repair` stores missing and damaged copies again\n$/);
      const json = JSON.parse((await world.cli(['verify', '--json'])).stdout) as { agree: boolean; destinations: { missing: unknown[]; damaged: unknown[]; unexpected: unknown[] }[] };
      expect(json.agree).toBe(false);
      expect(json.destinations[0]).toMatchObject({ missing: [expect.anything()], damaged: [expect.anything()], unexpected: [expect.anything()] });

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
      // The 3rd upload is the first invoice (the cutoff record is the 1st, the orders CSV the 2nd).
      expect((await world.run([], { [CRASH_ENV]: 'after-upload:3' })).signal).toBe('SIGKILL');
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
