import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/domain/documents.js';
import { defuseFormula, ORDERS_CSV_HEADER, writeOrdersCsv } from '../../src/render/ordersCsv.js';
import { tempDir } from '../helpers/tempDir.js';

function order(id: number, patch: Partial<Order> = {}): Order {
  const address = { fullName: 'Łukasz Wójcik', company: '', address: 'ul. Długa 5', postcode: '00-001', city: 'Kraków', state: '', country: 'Polska', countryCode: 'PL' };
  return {
    id, shopOrderId: 0, externalOrderId: '', source: 'shop', sourceId: 1, statusId: 7, confirmed: true,
    addedAt: 1763600000, confirmedAt: 1763600100, inStatusSince: 1763600200, userLogin: '', email: 'l@example.pl', phone: '+48 600 100 200',
    currency: 'PLN', paymentMethod: 'Przelew', paymentCod: false, paymentDone: 0, deliveryMethod: 'Kurier', deliveryPrice: 12.5,
    deliveryPackageModule: '', deliveryPackageNr: '', delivery: address,
    deliveryPoint: { id: '', name: '', address: '', postcode: '', city: '' }, invoice: { ...address, vatId: '' }, wantInvoice: false,
    userComments: '', adminComments: '',
    products: [{ name: 'Kubek „Zażółć”', sku: 'K-1', ean: '', productId: '1', variantId: '', attributes: '', priceGross: 19.99, taxRate: 23, quantity: 3, weight: 0 }],
    ...patch,
  };
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function writeAndRead(orders: Order[], delimiter: string) {
  const file = path.join(tempDir(), 'orders.csv');
  const result = await writeOrdersCsv(file, from(orders), { delimiter, timeZone: 'Europe/Warsaw', statusNames: new Map([[7, 'Wysłane']]) });
  const raw = fs.readFileSync(file);
  const rows = parse(raw, { bom: true, delimiter, columns: true }) as Record<string, string>[];
  return { result, raw, rows };
}

describe('orders CSV', () => {
  it('is UTF-8 with a BOM, one row per order, every column named', async () => {
    const { result, raw, rows } = await writeAndRead([order(1), order(2)], ';');
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(result.rows).toBe(2);
    expect(Object.keys(rows[0]!)).toEqual(ORDERS_CSV_HEADER);
    expect(rows.map((r) => r.order_id)).toEqual(['1', '2']);
    expect(rows[0]).toMatchObject({
      status_name: 'Wysłane',
      date_in_status: '2025-11-20T01:56:40+01:00',
      delivery_fullname: 'Łukasz Wójcik',
      products: '3× Kubek „Zażółć” [K-1]',
      products_count: '3',
      total_gross: '72,47',
      delivery_price: '12,5',
      phone: '+48 600 100 200',
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

  it('leaves no live formula, yet keeps phone numbers and negative amounts intact', async () => {
    const hostile = order(1, { userComments: '=HYPERLINK("http://evil","x")', adminComments: '@SUM(A1)', email: '+cmd|calc', paymentDone: -12.5 });
    const { rows } = await writeAndRead([hostile], ';');
    for (const cell of Object.values(rows[0]!)) expect(cell).not.toMatch(/^[=@]|^\+[^\d]|^-[^\d]/);
    expect(rows[0]).toMatchObject({ user_comments: `'=HYPERLINK("http://evil","x")`, admin_comments: "'@SUM(A1)", email: "'+cmd|calc", payment_done: '-12,5', phone: '+48 600 100 200' });
  });

  it.each([
    ['=1+1', "'=1+1"], ['@x', "'@x"], ['\tx', "'\tx"], ['\rx', "'\rx"], ['-2+3-cmd', "'-2+3-cmd"], ['+48 (22) 123-45-67', '+48 (22) 123-45-67'], ['-12,50', '-12,50'], ['plain', 'plain'],
  ])('defuses %j as %j', (input, expected) => {
    expect(defuseFormula(input)).toBe(expected);
  });

  it('streams: memory stays flat while writing 100 000 orders', async () => {
    const file = path.join(tempDir(), 'big.csv');
    async function* many() {
      for (let i = 1; i <= 100_000; i++) yield order(i);
    }
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const { rows } = await writeOrdersCsv(file, many(), { delimiter: ';', timeZone: 'Europe/Warsaw', statusNames: new Map() });
    clearInterval(timer);
    expect(rows).toBe(100_000);
    expect(fs.statSync(file).size).toBeGreaterThan(30_000_000);
    // 100 000 rows held at once would need far more than this.
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
  });
});
