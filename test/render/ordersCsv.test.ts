import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/domain/documents.js';
import { ORDER_ITEMS_CSV_HEADER, ORDERS_CSV_HEADER, writeOrdersCsv, type OrderInvoice } from '../../src/render/ordersCsv.js';
import { identifierCell, numberCell, textCell } from '../../src/render/spreadsheetCells.js';
import { order, product } from '../fixtures/orders.js';
import { tempDir } from '../helpers/tempDir.js';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function writeAndRead(orders: Order[], delimiter: string, invoices = new Map<number, OrderInvoice>()) {
  const dir = tempDir();
  const files = { orders: path.join(dir, 'orders.csv'), items: path.join(dir, 'order-items.csv') };
  const result = await writeOrdersCsv(files, from(orders), {
    delimiter,
    timeZone: 'Europe/Warsaw',
    statusNames: new Map([[7, 'Wysłane']]),
    invoiceOf: (orderId) => invoices.get(orderId) ?? null,
  });
  const read = (file: string) => parse(fs.readFileSync(file), { bom: true, delimiter, columns: true }) as Record<string, string>[];
  return { result, raw: fs.readFileSync(files.orders), rows: read(files.orders), items: read(files.items) };
}

describe('orders CSV', () => {
  it('is UTF-8 with a BOM, one row per order, every column named', async () => {
    const { result, raw, rows } = await writeAndRead([order(1), order(2)], ';');
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(result.orders.rows).toBe(2);
    expect(Object.keys(rows[0]!)).toEqual(ORDERS_CSV_HEADER);
    expect(rows.map((r) => r.order_id)).toEqual(['="1"', '="2"']);
    expect(rows[0]).toMatchObject({
      status_name: 'Wysłane',
      // Wall-clock time in the account's zone, without an offset: spreadsheets read it as a date.
      date_in_status: '2025-11-20 01:56:40',
      delivery_fullname: 'Łukasz Wójcik',
      products_count: '3',
      total_gross: '72,47',
      delivery_price: '12,5',
      phone: '="+48 600 100 200"',
      delivery_postcode: '="00-001"',
      invoice_number: '',
      ksef_number: '',
    });
  });

  it('writes decimal points with the "," delimiter', async () => {
    const { rows } = await writeAndRead([order(1)], ',');
    expect(rows[0]).toMatchObject({ total_gross: '72.47', delivery_price: '12.5' });
  });

  it('quotes delimiters, quotes and newlines inside cells', async () => {
    const { rows } = await writeAndRead([order(1, { userComments: 'proszę; szybko\n"pilne"' })], ';');
    expect(rows[0]!.user_comments).toBe('proszę; szybko\n"pilne"');
  });

  it('quotes a cell whose only special character is a line break, so the row stays one row', async () => {
    const { rows, raw } = await writeAndRead([order(1, { adminComments: 'zadzwonić\nprzed dostawą', userComments: 'a\rb' }), order(2)], ';');
    expect(rows.map((r) => r.admin_comments)).toEqual(['zadzwonić\nprzed dostawą', '']);
    expect(rows[0]!.user_comments).toBe('a\rb');
    expect(raw.toString('utf8')).toContain(';"zadzwonić\nprzed dostawą";');
  });

  it("shows the order's invoice and its KSeF number and status, as the ledger knows them", async () => {
    const invoices = new Map([[2, { number: 'FV/3/11/2026', ksefNumber: '6762461234-20261102-1A2B3C4D5E6F-7A', ksefStatus: 2 }]]);
    const { rows } = await writeAndRead([order(1), order(2)], ';', invoices);
    expect(rows[1]).toMatchObject({ invoice_number: '="FV/3/11/2026"', ksef_number: '="6762461234-20261102-1A2B3C4D5E6F-7A"', ksef_status: 'accepted' });
    expect(rows[0]).toMatchObject({ invoice_number: '', ksef_number: '', ksef_status: '' });
  });

  it('leaves no live formula: hostile text is held inside a string literal, and a literal cannot be left', async () => {
    const hostile = order(1, {
      userComments: '=HYPERLINK("http://evil","x")',
      adminComments: '@SUM(A1)',
      email: '+cmd|calc',
      phone: '+48"&HYPERLINK("http://evil")&"',
      paymentDone: -12.5,
    });
    const { rows } = await writeAndRead([hostile], ';');
    expect(rows[0]).toMatchObject({
      user_comments: '="=HYPERLINK(""http://evil"",""x"")"',
      admin_comments: '="@SUM(A1)"',
      email: '="+cmd|calc"',
      phone: '="+48""&HYPERLINK(""http://evil"")&"""',
      payment_done: '-12,5',
    });
    for (const cell of Object.values(rows[0]!)) {
      if (!cell.startsWith('=')) continue;
      // A formula of ours is ="…"&"…", each literal's inner quotes doubled: nothing between them but more literals.
      expect(cell).toMatch(/^=("([^"]|"")*")(&"([^"]|"")*")*$/);
    }
  });

  it('streams: memory stays flat while writing 100 000 orders with their lines', async () => {
    const dir = tempDir();
    async function* many() {
      for (let i = 1; i <= 100_000; i++) yield order(i);
    }
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const result = await writeOrdersCsv({ orders: path.join(dir, 'o.csv'), items: path.join(dir, 'i.csv') }, many(), {
      delimiter: ';',
      timeZone: 'Europe/Warsaw',
      statusNames: new Map(),
      invoiceOf: () => null,
    });
    clearInterval(timer);
    expect(result.orders.rows).toBe(100_000);
    expect(result.items.rows).toBe(100_000);
    expect(result.orders.size).toBeGreaterThan(30_000_000);
    // 100 000 rows held at once would need far more than this.
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
  }, 180_000);
});

describe('order-items CSV', () => {
  it('has one row per order line with everything BaseLinker gives of it', async () => {
    const lines = [product(), product({ orderProductId: '52310002', name: 'Obrus lniany', sku: 'LEN-OBR-22', ean: '0042348723648234', variantId: '17', attributes: 'Kolor: szary', priceGross: 189, taxRate: 8, quantity: 1, weight: 0.7, warehouseId: '3', location: 'A-5-2', bundleId: '12' })];
    const { items, result } = await writeAndRead([order(7, { products: lines }), order(8)], ';');
    expect(result.items.rows).toBe(3);
    expect(Object.keys(items[0]!)).toEqual(ORDER_ITEMS_CSV_HEADER);
    expect(items.map((r) => [r.order_id, r.position])).toEqual([['="7"', '1'], ['="7"', '2'], ['="8"', '1']]);
    expect(items[1]).toMatchObject({
      order_product_id: '="52310002"',
      product_id: '="110202"',
      variant_id: '="17"',
      name: 'Obrus lniany',
      attributes: 'Kolor: szary',
      sku: '="LEN-OBR-22"',
      ean: '="0042348723648234"',
      quantity: '1',
      price_gross: '189',
      tax_rate: '8',
      value_gross: '189',
      currency: '="PLN"',
      weight: '0,7',
      warehouse_id: '="3"',
      location: '="A-5-2"',
      bundle_id: '="12"',
    });
    expect(items[0]).toMatchObject({ price_gross: '19,99', value_gross: '59,97' });
  });
});

describe('cells', () => {
  it.each([
    ['+48 604 555 666', '="+48 604 555 666"'],
    ['602677000000000052310045', '="602677000000000052310045"'],
    ['01067', '="01067"'],
    ['a"b', '="a""b"'],
    ['', ''],
  ])('an identifier %j is the literal %j', (value, cell) => {
    expect(identifierCell(value)).toBe(cell);
  });

  it.each([
    ['Łukasz Wójcik', 'Łukasz Wójcik'],
    ['ul. 3 Maja 5', 'ul. 3 Maja 5'],
    ['3 Maja 5', '="3 Maja 5"'], // LibreOffice in Polish reads it as 2005-05-03
    ['maj 2026', '="maj 2026"'],
    ['PRAWDA', '="PRAWDA"'],
    ['12%', '="12%"'],
    ['=1+1', '="=1+1"'],
    ['- pilne\n- szybko', "'- pilne\n- szybko"], // a formula cannot span lines: the apostrophe defuses it
    ['Uwaga\n12', 'Uwaga\n12'],
  ])('free text %j is written %j', (value, cell) => {
    expect(textCell(value)).toBe(cell);
  });

  it('splits long text into literals of at most 255 characters, and never cuts a character in two', () => {
    const value = `0${'ż'.repeat(300)}😀${'x'.repeat(300)}`;
    const cell = textCell(value);
    const literals = [...cell.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!);
    expect(literals.length).toBeGreaterThan(2);
    for (const literal of literals) expect(literal.length).toBeLessThanOrEqual(255);
    expect(literals.join('')).toBe(value);
  });

  it('writes numbers as a spreadsheet reads them, never with an exponent', () => {
    expect(numberCell(72.47, true)).toBe('72,47');
    expect(numberCell(0.1 + 0.2, false)).toBe('0.3');
    expect(numberCell(-0.02, true)).toBe('-0,02');
    expect(numberCell(1e21, false)).toBe('1000000000000000000000');
  });
});
