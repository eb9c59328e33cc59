// KSeF numbers, end to end through the CLI over HTTP: an invoice stored before KSeF accepted it is stored again, beside
// the first copy, when its KSeF number arrives (its official PDF now carries the number and QR code); KSeF's status and
// date changing stores nothing; an installation upgraded from before the project asked for KSeF data sees no new
// versions of invoices without a number. The numbers reach the ledger, `backup status` and the orders CSV.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashRecord } from '../../src/backup/store.js';
import type { DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import { callMethod } from '../../tools/emulators/baselinker/methods.js';
import type { BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import type { ShopInvoice } from '../../tools/emulators/baselinker/shop.js';
import { runCli } from '../helpers/cli.js';
import { AS_OF, startDemoBackup } from '../helpers/demoBackup.js';
import { listFiles } from '../helpers/files.js';

const TOKEN = 'e2e-token-k5ef-numbers';
const INVOICES = 'BaseLinker Backup/2026/11/Invoices';

let emulator: BaseLinkerEmulator;
let landmarks: DemoLandmarks;
let root: string;
let backupDir: string;
let env: Record<string, string>;

beforeEach(async () => {
  ({ emulator, landmarks, root, backupDir, env } = await startDemoBackup(TOKEN, 'blb-ksef-'));
});

afterEach(async () => {
  await emulator.close();
});

const ownThisMonth = () => landmarks.invoices.thisMonth.map((n) => emulator.shop.invoices.find((i) => i.number === n)!);
const fileName = (i: ShopInvoice, version = 1) => `${INVOICES}/${i.number.replaceAll('/', '_')}${version > 1 ? ` (v${version})` : ''}.pdf`;
const read = (relative: string) => fs.readFileSync(path.join(backupDir, relative));

async function served(i: ShopInvoice): Promise<Buffer> {
  const answer = await callMethod(emulator.shop, 'getInvoiceFile', { invoice_id: i.invoice_id });
  if (!answer.ok) throw new Error(answer.message);
  return Buffer.from(String(answer.payload.invoice).slice('data:'.length), 'base64');
}

/** The record as a version of the program before KSeF read it: getInvoices without get_government_data. */
async function recordWithoutGovernmentData(i: ShopInvoice): Promise<unknown> {
  const answer = await callMethod(emulator.shop, 'getInvoices', { invoice_id: i.invoice_id, get_external_invoices: false });
  if (!answer.ok) throw new Error(answer.message);
  return (answer.payload.invoices as unknown[])[0];
}

function ledger<T>(sql: string): T[] {
  const db = new Database(path.join(root, 'data', 'ledger.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const fileRequestsSince = (from: number) =>
  emulator.requests.slice(from).filter((r) => r.method === 'getInvoiceFile').map((r) => (r.parameters as { invoice_id: number }).invoice_id);

describe('KSeF numbers, end to end', () => {
  it('a KSeF number arriving for three stored invoices stores three new versions; status and date changes store nothing', async () => {
    // The month's invoices as KSeF had them at the first run: sent, no number yet.
    const invoices = ownThisMonth();
    for (const i of invoices) i.government = { id: '', date: i.date_add + 600, status: 1 };
    const first = new Map(await Promise.all(invoices.map(async (i) => [i.invoice_id, await served(i)] as const)));

    expect((await runCli(['run', '--date', AS_OF, '--only', 'invoices'], env)).code).toBe(0);
    expect(listFiles(backupDir)).toEqual(invoices.map((i) => fileName(i)).sort());
    for (const i of invoices) expect(read(fileName(i)).equals(first.get(i.invoice_id)!), i.number).toBe(true);
    // Upgrade-safe: each version is the hash an installation from before KSeF stored for the same record.
    const hashes = new Map(ledger<{ source_id: string; source_hash: string }>("SELECT source_id, source_hash FROM documents WHERE kind = 'invoices'").map((r) => [r.source_id, r.source_hash]));
    for (const i of invoices) expect(hashes.get(String(i.invoice_id)), i.number).toBe(hashRecord(await recordWithoutGovernmentData(i)));

    // KSeF goes on: every invoice's status and date move (offline, rejected, sent again); three are accepted.
    const accepted = invoices.slice(0, 3);
    invoices.forEach((i, k) => (i.government = { id: '', date: i.date_add + 7200, status: [5, 3, 1][k % 3]! }));
    accepted.forEach((i, k) => (i.government = { id: `6762461234-20261118-00000000000${k}-1${k}`, date: i.date_add + 3600, status: 2 }));
    const second = new Map(await Promise.all(accepted.map(async (i) => [i.invoice_id, await served(i)] as const)));
    const requestsBefore = emulator.requests.length;

    const result = await runCli(['run', '--date', AS_OF, '--only', 'invoices'], env);
    expect(result.code).toBe(0);
    const added = listFiles(backupDir).filter((f) => !invoices.some((i) => f === fileName(i)));
    expect(added).toEqual(accepted.map((i) => fileName(i, 2)).sort());
    expect(fileRequestsSince(requestsBefore).sort()).toEqual(accepted.map((i) => i.invoice_id).sort());
    // The originals untouched; the new versions are the official PDFs as served now, with their KSeF numbers.
    for (const i of invoices) expect(read(fileName(i)).equals(first.get(i.invoice_id)!), i.number).toBe(true);
    for (const i of accepted) {
      expect(read(fileName(i, 2)).equals(second.get(i.invoice_id)!), i.number).toBe(true);
      expect(second.get(i.invoice_id)!.equals(first.get(i.invoice_id)!)).toBe(false);
    }

    // The ledger keeps each invoice's KSeF number and status as last read.
    const facts = ledger<{ number: string; gov_id: string; gov_status: number }>('SELECT number, gov_id, gov_status FROM invoices');
    for (const i of invoices) expect(facts).toContainEqual({ number: i.number, gov_id: i.government!.id, gov_status: i.government!.status });
  });

  it('shows KSeF numbers in `backup status` and in the orders CSV', async () => {
    const pending = ownThisMonth().find((i) => i.government?.status === 2)!;
    pending.government = { id: '', date: pending.date_add + 600, status: 3 }; // rejected, more than two days ago
    expect((await runCli(['run', '--date', AS_OF], env)).code).toBe(0);

    const status = await runCli(['status', '--json'], env);
    const ksef = (JSON.parse(status.stdout) as { ksef: Record<string, unknown> }).ksef;
    const stored = ownThisMonth();
    const numbered = stored.filter((i) => i.government?.id).length;
    // How many lack a number after two days depends on today's date: test/cli/ksefStatus.test.ts counts those.
    expect(ksef).toMatchObject({ since: '2026-02-01', invoices: stored.length, withKsefNumber: numbered });
    const text = await runCli(['status'], env);
    expect(text.stdout).toContain(`KSeF: ${numbered} of ${stored.length} stored invoices issued since 2026-02-01 have a KSeF number`);

    const csv = listFiles(backupDir).find((f) => /\/Orders\/orders_/.test(f))!;
    const rows = parse(fs.readFileSync(path.join(backupDir, csv)), { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
    const invoiced = stored.filter((i) => i.type === 'normal' && i.government?.id);
    let found = 0;
    for (const i of invoiced) {
      const row = rows.find((r) => r.order_id === `="${i.order_id}"`);
      if (!row) continue; // its order's status changed outside the CSV's 30 days
      found++;
      expect(row).toMatchObject({ invoice_number: `="${i.number}"`, ksef_number: `="${i.government!.id}"`, ksef_status: 'accepted' });
    }
    expect(found).toBeGreaterThan(3);
    const rejectedRow = rows.find((r) => r.order_id === `="${pending.order_id}"`);
    if (rejectedRow) expect(rejectedRow).toMatchObject({ ksef_number: '', ksef_status: 'rejected' });
  });
});
