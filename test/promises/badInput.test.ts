// Bad input from BaseLinker: records with missing fields or wrong types, and document numbers no file system
// wants. Each malformed record fails alone, visibly (exit 3, one line naming it) while everything else is stored;
// each hostile number gets a safe, unique file name inside the destination folder. Bad input from the user (dates,
// --only, config, tokens) is test/cli/exitCodes.test.ts and test/config/config.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import type { ShopInvoice, WireReceipt } from '../../tools/emulators/baselinker/shop.js';
import { logMessages } from '../helpers/cli.js';
import { compareWithLedger, duplicatesAndLost, isOrdersCsv, partialFiles, type Reference } from './checks.js';
import { lanes } from './cliProcess.js';
import { localDestination } from './destinations.js';
import { AS_OF, TIME_ZONE, cleanRun, openWorld } from './world.js';

// These attack the program's ledger, CLI and data dir; the local folder is the destination they need (plant, tamper).
const harness = localDestination;
// Each test is its own world: two at a time, one per core.
const lane = lanes(2);
let reference: Reference;
beforeAll(async () => {
  reference = await cleanRun(harness);
});

const thisMonth = (n: { date_add: number }) => n.date_add >= Date.parse('2026-11-01T00:00:00+01:00') / 1000;

describe('BaseLinker records with missing fields or wrong types', () => {
  it.concurrent('each fails alone with one line naming it (exit 3), everything else is stored, and the next run completes once they are fixed', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      const shop = world.emulator.shop;
      const invoices = shop.invoices.filter((i) => !i.external && thisMonth(i) && i.type === 'normal');
      const broken = invoices.slice(0, 3);
      const originals = broken.map((i) => structuredClone(i));
      const mutable = broken as unknown as Record<string, unknown>[];
      delete mutable[0]!.invoice_id;
      mutable[1]!.total_price_brutto = 'dwanaście złotych';
      mutable[2]!.items = 'none';
      const receipt = shop.receipts.find(thisMonth)! as unknown as Record<string, unknown>;
      const receiptOriginal = structuredClone(receipt);
      receipt.order_id = { id: 1 };
      const recent = Date.parse('2026-11-10T00:00:00+01:00') / 1000;
      const order = shop.orders.find((o) => o.confirmed && o.date_confirmed > recent - 30 * 86400 && o.date_in_status > recent)! as unknown as Record<string, unknown>;
      const orderOriginal = structuredClone(order);
      order.date_in_status = 'soon';

      const first = await world.run();
      expect(first.code, first.stderr).toBe(3);
      expect(first.stderr).not.toMatch(/\n\s+at /);
      const skipped = first.stderr.split('\n').filter((l) => l.includes('skipped one'));
      expect(skipped, skipped.join("\n")).toHaveLength(5);
      expect(first.stderr).toContain('skipped one invoices record: BaseLinker sent a malformed answer: invoice_id is missing or not an id');
      expect(first.stderr).toContain(`invoice ${originals[1]!.invoice_id} total_price_brutto is not a number (\\"dwanaście złotych\\")`);
      expect(first.stderr).toContain(`invoice ${originals[2]!.invoice_id} items is not a list`);
      expect(first.stderr).toContain(`receipt ${receiptOriginal.receipt_id as number} order_id is not a number`);
      expect(first.stderr).toContain(`order ${orderOriginal.order_id as number} date_in_status is not a number`);
      // Everything else is there; the broken ones are not.
      const brokenFiles = [...originals.map((i) => `Invoices/${i.number.replaceAll('/', '_')}.pdf`), `Receipts/${(receiptOriginal.receipt_full_nr as string).replaceAll('/', '_')}.pdf`];
      const files = await world.destination.files();
      for (const f of reference.documents.keys()) expect(files.has(f), `${f}\n${first.stderr}`).toBe(!brokenFiles.some((b) => f.endsWith(b)));

      Object.assign(broken[0]!, originals[0]);
      Object.assign(broken[1]!, originals[1]);
      Object.assign(broken[2]!, originals[2]);
      Object.assign(receipt, receiptOriginal);
      Object.assign(order, orderOriginal);
      const second = await world.run();
      expect(second.code, second.stderr).toBe(0);
      const after = await world.destination.files();
      const rows = world.rows();
      expect(duplicatesAndLost(after, rows, reference)).toEqual({ duplicates: [], lost: [] });
      expect(compareWithLedger(after, rows, { completed: true }).problems).toEqual([]);
      // The first night's CSV lacks the broken order (that night said so with exit 3); the second's is whole.
      const csvs = [...after].filter(([f]) => isOrdersCsv(f)).map(([, bytes]) => bytes);
      expect(csvs.some((bytes) => bytes.equals(reference.ordersCsv))).toBe(true);
      expect(partialFiles(new Map([...after].filter(([f]) => !isOrdersCsv(f))), reference)).toEqual([]);
    } finally {
      await world.close();
    }
  }));
});

// Each of these is a document number BaseLinker could hand us (its numbering formats are free text).
const HOSTILE_NUMBERS: unknown[] = [
  'FV/1/11/2026',
  'FV_1_11_2026', // the same file name as the one above once "/" becomes "_"
  'FV/1/11/2026', // a second document with the very same number
  'a\\b:c*d?e"f<g>h|i',
  'ctrl\u0001\u0007\t\nchars\u007f',
  '..',
  '.',
  '../../../../etc/passwd',
  '/',
  '',
  '   ',
  null,
  12345,
  'CON',
  'con.2026',
  'F'.repeat(300),
  'F'.repeat(299) + 'G', // the same first 180 bytes as the one above
  'Ż'.repeat(300),
  '🧾 Rechnung/11/2026 ✓',
  '👨‍👩‍👧‍👦'.repeat(40),
  'lone \ud800 surrogate',
  'trailing dots...',
  '.hidden',
];

describe('hostile document numbers', () => {
  it.concurrent('each gets a safe, unique name in its folder; nothing is written outside the destination; a re-run stores nothing again', ({ expect }) => lane(async () => {
    const shop = demoShop({ asOf: AS_OF, timeZone: TIME_ZONE });
    const template = shop.invoices.find((i) => !i.external && thisMonth(i) && i.type === 'normal')!;
    const hostileInvoices: ShopInvoice[] = HOSTILE_NUMBERS.map((number, k) => ({ ...structuredClone(template), invoice_id: 8000 + k, number: number as string }));
    shop.invoices.push(...hostileInvoices);
    const receiptTemplate = shop.receipts.find(thisMonth)!;
    const hostileReceipts: WireReceipt[] = ['', '..', 'PAR/1/11/2026', '<>:"|?*'].map((n, k) => ({ ...structuredClone(receiptTemplate), receipt_id: 9800 + k, receipt_full_nr: n }));
    shop.receipts.push(...hostileReceipts);

    const world = await openWorld(harness, { shop });
    try {
      const etcPasswd = fs.statSync('/etc/passwd').mtimeMs;
      const result = await world.run(['--only', 'invoices,receipts']);
      expect(result.code, result.stderr).toBe(0);

      const rows = world.rows();
      const files = await world.destination.files();
      for (const [kind, docs] of [['invoices', hostileInvoices.map((i) => i.invoice_id)], ['receipts', hostileReceipts.map((r) => r.receipt_id)]] as const) {
        for (const id of docs) {
          const stored = rows.filter((r) => r.kind === kind && r.source_id === String(id));
          expect(stored, `${kind} ${id}`).toHaveLength(1);
          const [row] = stored;
          expect(row!.status).toBe('stored');
          expect(row!.folder).toBe(`BaseLinker Backup/2026/11/${kind === 'invoices' ? 'Invoices' : 'Receipts'}`);
          expectSafeName(expect, row!.name);
          expect(files.get(`${row!.folder}/${row!.name}`)?.length, row!.name).toBe(row!.size);
        }
      }
      // Unique: as many files as documents, each under its own name.
      const names = rows.map((r) => `${r.folder}/${r.name}`);
      expect(new Set(names).size).toBe(names.length);
      expect([...files.keys()].filter((f) => !isOrdersCsv(f)).sort()).toEqual(names.sort());
      // The demo shop's own FV/1/11/2026 holds the plain name; the three look-alikes get their ids.
      for (const id of ['8000', '8001', '8002']) expect(rows.find((r) => r.source_id === id)!.name).toBe(`FV_1_11_2026 (id ${id}).pdf`);
      expect(rows.find((r) => r.source_id === '8009')!.name).toBe('invoice-8009.pdf');

      // Nothing outside the destination: the trial folder holds only the data dir and the destination, the
      // destination only the backup tree and its own bookkeeping, and /etc/passwd was not touched.
      expect(fs.readdirSync(world.root).sort()).toEqual(['backup', 'data']);
      expect(fs.readdirSync(path.join(world.root, 'backup')).sort()).toEqual(['.baselinker-backup', 'BaseLinker Backup']);
      expect(fs.statSync('/etc/passwd').mtimeMs).toBe(etcPasswd);

      const again = await world.run(['--only', 'invoices,receipts']);
      expect(again.code).toBe(0);
      expect(await world.destination.files()).toEqual(files);
      expect((await world.cli(['verify'])).code).toBe(0);
    } finally {
      await world.close();
    }
  }));
});

describe('files that are not ours', () => {
  it.concurrent('holding the names a document would take: left alone, and the document takes the next free name', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      const invoice = world.emulator.shop.invoices.find((i) => i.number === 'FV/1/11/2026')!;
      const folder = 'BaseLinker Backup/2026/11/Invoices';
      const foreign = [`${folder}/FV_1_11_2026.pdf`, `${folder}/FV_1_11_2026 (id ${invoice.invoice_id}).pdf`];
      for (const f of foreign) await world.destination.plant!(f, Buffer.from(`not ours: ${f}`));
      const result = await world.run(['--only', 'invoices'], {});
      expect(result.code, result.stderr).toBe(0);
      // Said once for the run, not once per file.
      expect(logMessages(result.stderr).split('\n').filter((l) => l.includes('did not store'))).toEqual([
        `2 files that this program did not store sit under names documents wanted (first: ${world.destination.id} ${foreign[0]}); they were left alone and the documents stored beside them with their id in the name`,
      ]);
      const files = await world.destination.files();
      for (const f of foreign) expect(files.get(f)?.toString()).toBe(`not ours: ${f}`);
      const row = world.rows().find((r) => r.source_id === String(invoice.invoice_id))!;
      expect(row).toMatchObject({ status: 'stored', name: `FV_1_11_2026 (id ${invoice.invoice_id}) (2).pdf` });
      expect(files.get(`${folder}/${row.name}`)!.equals(reference.documents.get(`${folder}/FV_1_11_2026.pdf`)!)).toBe(true);
    } finally {
      await world.close();
    }
  }), 30_000);
});

function expectSafeName(expect: ExpectStatic, name: string) {
  expect(name).toMatch(/\.pdf$/);
  expect(name).not.toMatch(/[/\\:*?"<>|\u0000-\u001f\u007f]/);
  expect(name.startsWith('.')).toBe(false);
  expect(name.startsWith(' ')).toBe(false);
  expect(name).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
  expect(name.replace(/\.pdf$/, '')).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i);
}

