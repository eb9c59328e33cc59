// The whole program, as a user runs it: the built CLI, spawned, talking HTTP to the BaseLinker emulator, writing a
// local folder. Asserts the files that landed, their names and bytes, the CSV rows and the PDF text.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoLandmarks } from '../../tools/emulators/baselinker/demoShop.js';
import type { BaseLinkerEmulator } from '../../tools/emulators/baselinker/server.js';
import { runCli } from '../helpers/cli.js';
import { AS_OF, startDemoBackup } from '../helpers/demoBackup.js';
import { listFiles, pdfText } from '../helpers/files.js';

const TOKEN = 'e2e-token-5f1c9a7b33d2';
const MONTH = 'BaseLinker Backup/2026/11';
const pln = (n: number) => n.toFixed(2).replace('.', ',').replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
const squash = (s: string) => s.replace(/\s+/g, ' ');

let emulator: BaseLinkerEmulator;
let landmarks: DemoLandmarks;
let backupDir: string;
let env: Record<string, string>;

beforeEach(async () => {
  ({ emulator, landmarks, backupDir, env } = await startDemoBackup(TOKEN, 'blb-e2e-'));
});

afterEach(async () => {
  await emulator.close();
});

const backup = (...args: string[]) => runCli(['run', ...args], env);
/** Our own rendering of invoices, for the tests that read their text (BaseLinker's official PDF is the default). */
const backupRendering = (...args: string[]) => runCli(['run', ...args], { ...env, BACKUP_INVOICES_PDF: 'render' });
const files = () => listFiles(backupDir);
const ordersCsvs = () => files().filter((f) => f.includes('/Orders/orders_'));
const itemsCsvs = () => files().filter((f) => f.includes('/Orders/order-items_'));

function csvRows(relative: string): Record<string, string>[] {
  return parse(fs.readFileSync(path.join(backupDir, relative)), { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
}

/** Identifiers are written as ="…" so that a spreadsheet keeps them as text. */
const unwrap = (cell: string) => /^="(.*)"$/.exec(cell)?.[1] ?? cell;

function csvOrderIds(relative: string): number[] {
  return csvRows(relative).map((r) => Number(unwrap(r.order_id!)));
}

describe('backup run, end to end on a local folder', () => {
  it('stores this month\'s invoices and receipts as PDF and one orders CSV, in the documented tree', async () => {
    const result = await backup('--date', AS_OF);
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.code).toBe(0);

    const expected = [
      ...landmarks.invoices.thisMonth.map((n) => `${MONTH}/Invoices/${n.replaceAll('/', '_')}.pdf`),
      ...landmarks.receipts.thisMonth.map((n) => `${MONTH}/Receipts/${n.replaceAll('/', '_')}.pdf`),
    ];
    const [csv, ...rest] = ordersCsvs();
    expect(rest).toEqual([]);
    expect(csv).toMatch(/^BaseLinker Backup\/2026\/11\/Orders\/orders_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}\.csv$/);
    // Its lines beside it, under the same moment.
    expect(itemsCsvs()).toEqual([csv!.replace('/orders_', '/order-items_')]);
    expect(files()).toEqual([...expected, csv, ...itemsCsvs()].sort());
    // Before the first-run cutoff (the 1st of the month) and the external accounting system's invoice: not copied.
    for (const n of [...landmarks.invoices.previousMonth, landmarks.invoices.external, ...landmarks.receipts.previousMonth]) {
      expect(files().join('\n')).not.toContain(n.replaceAll('/', '_'));
    }
  });

  it('writes exactly the orders whose status changed in the 30 days, across a page boundary inside one second', async () => {
    expect((await backup('--date', AS_OF, '--only', 'orders')).code).toBe(0);
    const ids = csvOrderIds(ordersCsvs()[0]!);
    expect(ids.sort()).toEqual([...landmarks.ordersChangedInWindow].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(landmarks.oldOrderRecentStatus);
    for (const id of landmarks.sameSecondRun.orderIds) expect(ids).toContain(id);
    expect(ids).not.toContain(landmarks.beyondHorizon);
    for (const id of landmarks.unconfirmed) expect(ids).not.toContain(id);
    // Every line of those orders in the order-items CSV, in order.
    const lines = csvRows(itemsCsvs()[0]!).map((r) => [Number(unwrap(r.order_id!)), unwrap(r.sku!)]);
    const expectedLines = ids.flatMap((id) => emulator.shop.orders.find((o) => o.order_id === id)!.products.map((p) => [id, p.sku]));
    expect(lines).toEqual(expectedLines);
    // The crowded second really did fall on a page boundary: some getOrders call started inside it.
    const pages = emulator.requests.filter((r) => r.method === 'getOrders');
    expect(pages.some((r) => (r.parameters as { date_confirmed_from?: number }).date_confirmed_from === landmarks.sameSecondRun.dateConfirmed)).toBe(true);
  });

  it('renders readable PDFs: number, buyer with diacritics, totals', async () => {
    expect((await backupRendering('--date', AS_OF, '--only', 'invoices,receipts')).code).toBe(0);
    for (const invoice of emulator.shop.invoices.filter((i) => landmarks.invoices.thisMonth.includes(i.number))) {
      const text = squash(pdfText(path.join(backupDir, MONTH, 'Invoices', `${invoice.number.replaceAll('/', '_')}.pdf`)));
      expect(text).toContain(invoice.number);
      expect(text).toContain(invoice.invoice_fullname || invoice.invoice_company);
      expect(text).toContain(pln(Number(invoice.total_price_brutto)));
      expect(text).toContain(invoice.currency);
    }
    const eur = squash(pdfText(path.join(backupDir, MONTH, 'Invoices', `${landmarks.invoices.eur.replaceAll('/', '_')}.pdf`)));
    expect(eur).toContain('Jürgen Müller');
    const correcting = squash(pdfText(path.join(backupDir, MONTH, 'Invoices', `${landmarks.invoices.correcting.replaceAll('/', '_')}.pdf`)));
    expect(correcting).toContain('Faktura korygująca');
    expect(correcting).toContain(landmarks.invoices.corrected);
    for (const receipt of emulator.shop.receipts.filter((r) => landmarks.receipts.thisMonth.includes(r.receipt_full_nr))) {
      const text = squash(pdfText(path.join(backupDir, MONTH, 'Receipts', `${receipt.receipt_full_nr.replaceAll('/', '_')}.pdf`)));
      expect(text).toContain(receipt.receipt_full_nr);
      expect(text).toContain(pln(Number(receipt.total_price_brutto)));
      expect(text).toContain(receipt.currency);
    }
  });

  it('a second run stores only a new orders CSV and its lines, and an edited invoice as a new version beside the original', async () => {
    expect((await backupRendering('--date', AS_OF)).code).toBe(0);
    const first = new Map(files().map((f) => [f, fs.readFileSync(path.join(backupDir, f))]));
    const requestsBefore = emulator.requests.length;

    await new Promise((r) => setTimeout(r, 1100)); // the CSV's name has the time to the second
    expect((await backupRendering('--date', AS_OF)).code).toBe(0);
    const added = files().filter((f) => !first.has(f));
    expect(added).toHaveLength(2);
    expect(added[0]).toMatch(/\/Orders\/order-items_.*\.csv$/);
    expect(added[1]).toMatch(/\/Orders\/orders_.*\.csv$/);
    // Nothing before it was touched, and it cost only the list requests: invoices first, as the orders CSV shows them.
    for (const [f, bytes] of first) expect(fs.readFileSync(path.join(backupDir, f)).equals(bytes)).toBe(true);
    expect(emulator.requests.slice(requestsBefore).map((r) => r.method).filter((m) => m !== 'getOrders')).toEqual(['getInvoices', 'getOrderStatusList', 'getReceipts']);

    const edited = emulator.shop.invoices.find((i) => i.number === 'FV/12/11/2026')!;
    edited.invoice_fullname = 'Zofia Żółkiewska-Źdźbło';
    expect((await backupRendering('--date', AS_OF, '--only', 'invoices')).code).toBe(0);
    expect(files().filter((f) => f.includes('FV_12_11_2026'))).toEqual([`${MONTH}/Invoices/FV_12_11_2026 (v2).pdf`, `${MONTH}/Invoices/FV_12_11_2026.pdf`]);
    expect(fs.readFileSync(path.join(backupDir, MONTH, 'Invoices/FV_12_11_2026.pdf')).equals(first.get(`${MONTH}/Invoices/FV_12_11_2026.pdf`)!)).toBe(true);
    expect(squash(pdfText(path.join(backupDir, MONTH, 'Invoices/FV_12_11_2026 (v2).pdf')))).toContain('Zofia Żółkiewska-Źdźbło');
  });

  it('a run with --date in the past gives that date\'s view', async () => {
    const pastDate = '2026-11-10';
    expect((await backup('--date', pastDate)).code).toBe(0);
    const end = Date.parse('2026-11-10T23:59:59+01:00') / 1000;
    const windowStart = Date.parse('2026-10-12T00:00:00+02:00') / 1000;
    const horizon = Date.parse('2026-08-12T00:00:00+02:00') / 1000;
    const expectedOrders = emulator.shop.orders
      .filter((o) => Number(o.confirmed) === 1 && o.date_confirmed >= horizon && o.date_in_status >= windowStart && o.date_in_status <= end)
      .map((o) => o.order_id);
    expect(csvOrderIds(ordersCsvs()[0]!).sort()).toEqual(expectedOrders.sort());
    const issuedByThen = (n: { date_add: number }) => n.date_add >= Date.parse('2026-11-01T00:00:00+01:00') / 1000 && n.date_add <= end;
    const invoices = emulator.shop.invoices.filter((i) => !i.external && issuedByThen(i)).map((i) => `${MONTH}/Invoices/${i.number.replaceAll('/', '_')}.pdf`);
    const receipts = emulator.shop.receipts.filter(issuedByThen).map((r) => `${MONTH}/Receipts/${r.receipt_full_nr.replaceAll('/', '_')}.pdf`);
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices.length).toBeLessThan(landmarks.invoices.thisMonth.length);
    expect(files().filter((f) => !f.includes('/Orders/'))).toEqual([...invoices, ...receipts].sort());
    expect(itemsCsvs()).toHaveLength(1);
  });

  it('a dry run lists what it would store and writes nothing', async () => {
    const result = await backup('--date', AS_OF, '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${MONTH}/Invoices/FV_1_11_2026.pdf`);
    expect(result.stdout).toMatch(/dry run: \d+ files would be stored/);
    // Unpaced in this test; the estimate counts the list requests plus one per official invoice PDF.
    expect(result.stdout).toMatch(/the real run needs about \d+ BaseLinker requests/);
    const planned = result.stdout.split('\n').filter((l) => l.startsWith('local:') && l.includes('  BaseLinker Backup/'));
    // Each invoice and receipt, the orders CSV and its order-items CSV, and the backup's record of its cutoff.
    expect(planned).toHaveLength(landmarks.invoices.thisMonth.length + landmarks.receipts.thisMonth.length + 3);
    expect(result.stdout).toContain(`local:${backupDir}: ${planned.length} files`);
    // Not a terminal: no progress bars, only log lines.
    expect(result.stderr).not.toContain('\r');
    expect(fs.existsSync(backupDir)).toBe(false);
    expect(fs.existsSync(env.BACKUP_DATA_DIR!)).toBe(false);
  });

  it('status shows the runs, what each stored and the cutoff', async () => {
    await backup('--date', AS_OF);
    const status = await runCli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { cutoff: string; runs: { outcome: string; stored: Record<string, number> }[]; destinations: { id: string }[] };
    expect(parsed.cutoff).toBe('2026-11-01T00:00:00+01:00');
    expect(parsed.destinations).toEqual([expect.objectContaining({ id: `local:${backupDir}` })]);
    expect(parsed.runs[0]).toMatchObject({ outcome: 'ok', stored: { orders: 2, invoices: landmarks.invoices.thisMonth.length, receipts: landmarks.receipts.thisMonth.length } });
  });
});
