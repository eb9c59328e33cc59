// "The destination is the truth", end to end through the CLI over HTTP, for the local folder, Google Drive, OneDrive
// and Dropbox: a data dir lost between two nights costs nothing (its copies are adopted, the cutoff is the one
// recorded there), and copies removed or damaged at the destination are brought back by `verify --repair`, never by
// deleting or overwriting anything.
import fs from 'node:fs';
import { describe, it } from 'vitest';
import { lanes } from '../promises/cliProcess.js';
import { driveDestination, dropboxDestination, localDestination, oneDriveDestination } from '../promises/destinations.js';
import { openWorld } from '../promises/world.js';

const FIRST_NIGHT = '2026-11-20';
// A month later: a fresh ledger alone would take 1 December as its cutoff and miss November's late documents.
const NEXT_NIGHT = '2026-12-01';
// Each test is a world of its own (emulators, data dir, destination): three run side by side, since most of their
// time is spent waiting for CLI processes to start and answer.
const lane = lanes(3);

describe.concurrent.each([localDestination, driveDestination, oneDriveDestination, dropboxDestination])('the destination is the truth: $label', (harness) => {
  it.concurrent('a lost data dir: the next night adopts what is there, keeps the recorded cutoff, stores the new documents once', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.cli(['run', '--date', FIRST_NIGHT])).code).toBe(0);
      const before = await world.destination.files();
      fs.rmSync(world.dataDir, { recursive: true });

      // New documents arrive: a late November invoice (after the cutoff) and an October one (before it).
      const shop = world.emulator.shop;
      const template = shop.invoices.find((i) => i.number.endsWith('/11/2026') && i.type === 'normal')!;
      const late = Date.UTC(2026, 10, 28, 10) / 1000;
      const old = Date.UTC(2026, 9, 15, 10) / 1000;
      shop.invoices.push({ ...structuredClone(template), invoice_id: 9_100_001, number: 'FV/901/11/2026', date_add: late, date_sell: late });
      shop.invoices.push({ ...structuredClone(template), invoice_id: 9_100_002, number: 'FV/902/10/2026', date_add: old, date_sell: old });

      const next = await world.cli(['run', '--date', NEXT_NIGHT]);
      expect(next.code).toBe(0);
      expect(next.stderr).toMatch(new RegExp(`adopted ${before.size} stored copies`));
      const after = await world.destination.files();
      for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
      const added = [...after.keys()].filter((f) => !before.has(f)).sort();
      expect(added).toEqual([
        'BaseLinker Backup/2026/11/Invoices/FV_901_11_2026.pdf',
        expect.stringMatching(/^BaseLinker Backup\/2026\/12\/Orders\/order-items_.*\.csv$/),
        expect.stringMatching(/^BaseLinker Backup\/2026\/12\/Orders\/orders_.*\.csv$/),
      ]);
      // No copy of anything under a second name.
      expect([...after.keys()].filter((f) => /\(id \d+\)/.test(f))).toEqual([]);
    } finally {
      await world.close();
    }
  }), 120_000);

  it.concurrent('removed and damaged copies: verify exits 6, verify --repair brings them back beside what it keeps, verify exits 0', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      expect((await world.cli(['run', '--date', FIRST_NIGHT])).code).toBe(0);
      const stored = await world.destination.files();
      const pdfs = [...stored.keys()].filter((f) => f.endsWith('.pdf')).sort();
      const removed = pdfs.slice(0, 3);
      const damaged = pdfs[3]!;
      for (const file of removed) await world.destination.tamper!(file, 'remove');
      await world.destination.tamper!(damaged, 'truncate');

      const found = await world.cli(['verify']);
      expect(found.code).toBe(6);
      for (const file of removed) expect(found.stdout).toContain(`missing      ${file}`);
      expect(found.stdout).toContain(`damaged      ${damaged}`);

      const repair = await world.cli(['verify', '--repair']);
      expect(repair.code).toBe(0);
      // What it stored again carries its identity at the destination already (a destination keeping identities for
      // later was closed), so a lost ledger would adopt it too.
      expect(world.query<{ n: number }>("SELECT COUNT(*) AS n FROM documents WHERE status = 'stored' AND identity_kept = 0")).toEqual([{ n: 0 }]);
      for (const file of removed) expect(repair.stdout).toContain(`restored     ${world.destination.id}  ${file}`);
      const beside = damaged.replace(/\.pdf$/, ' (repaired).pdf');
      expect(repair.stdout).toContain(`stored beside a damaged copy  ${world.destination.id}  ${beside}`);
      expect(repair.stdout).toContain(`set aside    ${damaged}`);

      const again = await world.cli(['verify']);
      expect(again.code).toBe(0);
      const after = await world.destination.files();
      for (const file of removed) expect(after.get(file)?.equals(stored.get(file)!), file).toBe(true);
      expect(after.get(beside)?.equals(stored.get(damaged)!)).toBe(true);
      expect(after.get(damaged)?.length).toBe(stored.get(damaged)!.length >> 1);
      // world.close() checks the emulator never saw a delete, trash or rewrite.
    } finally {
      await world.close();
    }
  }), 120_000);
});
