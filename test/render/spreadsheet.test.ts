// The orders and order-items CSVs opened in LibreOffice Calc: every identifier keeps its exact text as a text cell,
// dates are dates in the account's time zone, amounts are numbers, and no value a customer typed runs as a formula.
// Through the Text Import dialog as LibreOffice ships it (formulas off), nothing is converted or run either, and the
// identifiers show inside their ="…". The orders are the demo shop's (180 phone numbers with "+48", InPost's 24-digit
// parcel numbers) plus the values that break a naive CSV.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/domain/documents.js';
import { orderGrossTotal } from '../../src/domain/documents.js';
import { ORDER_ITEMS_CSV_HEADER, ORDERS_CSV_HEADER, writeOrdersCsv } from '../../src/render/ordersCsv.js';
import { parseOrder } from '../../src/sources/baselinker/parse.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { tempDir } from '../helpers/tempDir.js';
import { importDialogDefaults, openInCalc, skipCalcTests, type CalcCell, type CsvImport } from './calc.js';
import { order } from '../fixtures/orders.js';

const TIME_ZONE = 'Europe/Warsaw';

/** What breaks a naive CSV, each in a field where it occurs for real. */
const HOSTILE: Order[] = [
  order(101, {
    phone: '+48 604 555 666',
    deliveryPackageNr: '602677000000000052310045',
    delivery: { fullName: 'Anna Nowak', company: '', address: '3 Maja 5', postcode: '01067', city: 'Warszawa', state: '', country: 'Polska', countryCode: 'PL' },
    invoice: { fullName: 'Anna Nowak', company: 'PRAWDA', address: 'maj 2026', postcode: '00-950', city: '1/2', state: '', country: 'Polska', countryCode: 'PL', vatId: '0042348723648234' },
    userComments: '=HYPERLINK("http://evil.example","kliknij")',
    adminComments: '- zwrot\n- reklamacja',
    externalOrderId: '1e5',
    userLogin: '12%',
    email: '@SUM(1+1)',
    extraField1: '+48"&HYPERLINK("http://evil.example")&"',
    extraField2: '  spacja z przodu',
    paymentDone: -12.5,
    deliveryPrice: 1234.5,
  }),
];

function orders(): Order[] {
  const shop = demoShop({ asOf: '2026-11-20', timeZone: TIME_ZONE });
  return [...shop.orders.filter((o) => o.confirmed).map(parseOrder), ...HOSTILE];
}

/** "2026-10-02T11:12:40": how Calc writes a date-time it read, in the account's wall-clock time. */
function calcDate(seconds: number): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(seconds * 1000)
      .map((part) => [part.type, part.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

const text = (value: string): Partial<CalcCell> => (value === '' ? { type: 'empty' } : { type: 'string', value });
const number = (value: number): Partial<CalcCell> => ({ type: 'float', value: String(value) });
const date = (seconds: number): Partial<CalcCell> => ({ type: 'date', value: calcDate(seconds) });

/** What each column of an order's row must be in Calc, from the order itself (not from the CSV writer). */
function expectedOrderRow(o: Order): Record<string, Partial<CalcCell>> {
  return {
    order_id: text(String(o.id)),
    external_order_id: text(o.externalOrderId),
    date_add: date(o.addedAt),
    date_confirmed: date(o.confirmedAt),
    date_in_status: date(o.inStatusSince),
    user_login: text(o.userLogin),
    email: text(o.email),
    phone: text(o.phone),
    payment_done: number(o.paymentDone),
    delivery_price: number(o.deliveryPrice),
    delivery_package_nr: text(o.deliveryPackageNr),
    delivery_fullname: text(o.delivery.fullName),
    delivery_address: text(o.delivery.address),
    delivery_postcode: text(o.delivery.postcode),
    delivery_point_id: text(o.deliveryPoint.id),
    delivery_point_postcode: text(o.deliveryPoint.postcode),
    invoice_company: text(o.invoice.company),
    invoice_nip: text(o.invoice.vatId),
    invoice_address: text(o.invoice.address),
    invoice_postcode: text(o.invoice.postcode),
    invoice_city: text(o.invoice.city),
    total_gross: number(orderGrossTotal(o)),
    user_comments: text(o.userComments),
    admin_comments: text(o.adminComments.startsWith('-') ? `'${o.adminComments}` : o.adminComments),
    extra_field_1: text(o.extraField1),
    extra_field_2: text(o.extraField2),
  };
}

async function writeCsvs(delimiter: string): Promise<{ orders: string; items: string; source: Order[] }> {
  const dir = tempDir('calc-csv-');
  const files = { orders: path.join(dir, 'orders_2026-11-20_02-00-13.csv'), items: path.join(dir, 'order-items_2026-11-20_02-00-13.csv') };
  const source = orders();
  async function* stream() {
    yield* source;
  }
  await writeOrdersCsv(files, stream(), { delimiter, timeZone: TIME_ZONE, statusNames: new Map(), invoiceOf: () => null });
  return { ...files, source };
}

function byHeader(rows: CalcCell[][], header: readonly string[]): Record<string, CalcCell>[] {
  expect(rows[0]!.map((c) => c.value)).toEqual(header);
  return rows.slice(1).map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? { type: 'empty', value: '', formula: null }])));
}

/** The CSV filter's defaults, as when a program opens a CSV through LibreOffice: formulas run, special numbers read. */
const FILTER_PL: CsvImport = { separators: ';', language: 1045 };
const FILTER_US: CsvImport = { separators: ',', language: 1033 };

describe.skipIf(skipCalcTests)('the CSVs in LibreOffice Calc', () => {
  it.each([
    ['";" in Polish', ';', FILTER_PL],
    ['"," in US English', ',', FILTER_US],
    ['";" in Polish, through the Text Import dialog with "Evaluate formulas" and "Detect special numbers" ticked', ';', {
      separators: importDialogDefaults().separators,
      language: 1045,
      dialog: { ...importDialogDefaults(), evaluateFormulas: true, detectSpecialNumbers: true },
    }],
  ] as [string, string, CsvImport][])('%s: identifiers exact, dates as dates, amounts as numbers, no formula run', async (_name, delimiter, how) => {
    const { orders: ordersFile, items: itemsFile, source } = await writeCsvs(delimiter);
    const sheets = openInCalc([ordersFile, itemsFile], how);
    const rows = byHeader(sheets.get(path.basename(ordersFile))!, ORDERS_CSV_HEADER);
    expect(rows).toHaveLength(source.length);
    let phones = 0;
    rows.forEach((row, k) => {
      const o = source[k]!;
      for (const [column, expected] of Object.entries(expectedOrderRow(o))) {
        expect({ order: o.id, column, ...row[column]!, formula: undefined }, `${o.id} ${column}`).toMatchObject({ order: o.id, column, ...expected });
      }
      // Any formula in the sheet is one of ours: string literals only, which run nothing.
      for (const cell of Object.values(row)) if (cell.formula) expect(cell.formula).toMatch(/^of:=("([^"]|"")*")(&"([^"]|"")*")*$/);
      if (o.phone.startsWith('+')) phones++;
    });
    expect(phones).toBeGreaterThanOrEqual(170);

    const items = byHeader(sheets.get(path.basename(itemsFile))!, ORDER_ITEMS_CSV_HEADER);
    const lines = source.flatMap((o) => o.products.map((p) => ({ o, p })));
    expect(items).toHaveLength(lines.length);
    items.forEach((row, k) => {
      const { o, p } = lines[k]!;
      expect(row).toMatchObject({
        order_id: text(String(o.id)),
        sku: text(p.sku),
        ean: text(p.ean),
        name: text(p.name),
        quantity: number(p.quantity),
        price_gross: number(p.priceGross),
        tax_rate: number(p.taxRate),
      });
    });
  }, 180_000);

  it("through the Text Import dialog as LibreOffice ships it: nothing converted, nothing run, amounts still numbers", async () => {
    const dialog = importDialogDefaults();
    // What a double-click offers, read from LibreOffice's own registry: commas and tabs split fields too, formulas do
    // not run, only decimal numbers and strict ISO dates are recognised.
    expect(dialog).toEqual({ separators: ',;\t', evaluateFormulas: false, detectSpecialNumbers: false, quotedFieldAsText: false });
    const { orders: ordersFile, source } = await writeCsvs(';');
    const rows = byHeader(openInCalc([ordersFile], { separators: dialog.separators, language: 1045, dialog }).get(path.basename(ordersFile))!, ORDERS_CSV_HEADER);
    expect(rows).toHaveLength(source.length);
    const literal = (value: string) => (value === '' ? { type: 'empty' } : { type: 'string', value: `="${value.replaceAll('"', '""')}"` });
    rows.forEach((row, k) => {
      const o = source[k]!;
      // An identifier shows its literal: every character there, none turned into a number, nothing evaluated.
      expect(row, String(o.id)).toMatchObject({
        order_id: literal(String(o.id)),
        phone: literal(o.phone),
        delivery_package_nr: literal(o.deliveryPackageNr),
        delivery_postcode: literal(o.delivery.postcode),
        invoice_nip: literal(o.invoice.vatId),
        // Quoted, a decimal comma survives the dialog's comma separator and is read as a number.
        total_gross: number(orderGrossTotal(o)),
        delivery_price: number(o.deliveryPrice),
        // Special numbers off: the date stays the text it was written as, nothing lost.
        date_add: { type: 'string', value: calcDate(o.addedAt).replace('T', ' ') },
        delivery_fullname: text(o.delivery.fullName),
      });
      for (const cell of Object.values(row)) expect(cell.formula).toBeNull();
    });
  }, 120_000);

  it('shows the hostile values exactly, and runs none of them', async () => {
    const { orders: ordersFile } = await writeCsvs(';');
    const row = byHeader(openInCalc([ordersFile], FILTER_PL).get(path.basename(ordersFile))!, ORDERS_CSV_HEADER).at(-1)!;
    expect(row.phone).toMatchObject({ type: 'string', value: '+48 604 555 666' });
    expect(row.delivery_package_nr).toMatchObject({ type: 'string', value: '602677000000000052310045' });
    expect(row.invoice_nip).toMatchObject({ type: 'string', value: '0042348723648234' });
    expect(row.delivery_postcode).toMatchObject({ type: 'string', value: '01067' });
    expect(row.delivery_address).toMatchObject({ type: 'string', value: '3 Maja 5' });
    expect(row.invoice_company).toMatchObject({ type: 'string', value: 'PRAWDA' });
    expect(row.user_comments).toMatchObject({ type: 'string', value: '=HYPERLINK("http://evil.example","kliknij")' });
    expect(row.extra_field_1).toMatchObject({ type: 'string', value: '+48"&HYPERLINK("http://evil.example")&"' });
    expect(row.email).toMatchObject({ type: 'string', value: '@SUM(1+1)' });
    expect(row.delivery_price).toMatchObject({ type: 'float', value: '1234.5' });
    expect(row.payment_done).toMatchObject({ type: 'float', value: '-12.5' });
    // The one value a literal cannot hold (a formula cannot span lines): defused by an apostrophe Calc shows.
    expect(row.admin_comments).toMatchObject({ type: 'string', value: "'- zwrot\n- reklamacja", formula: null });
  }, 120_000);

  it('a naive CSV of the same values is mangled: the reason for all of the above', async () => {
    const file = path.join(tempDir('calc-naive-'), 'naive.csv');
    fs.writeFileSync(file, '\ufeffphone;parcel;ean;postcode;address;comment\r\n+48 604 555 666;602677000000000052310045;0042348723648234;01067;3 Maja 5;=1+1\r\n');
    const columns = ['phone', 'parcel', 'ean', 'postcode', 'address', 'comment'];
    const [row] = byHeader(openInCalc([file], FILTER_PL).get('naive.csv')!, columns);
    expect(row).toMatchObject({
      phone: { type: 'float', value: '48604555666' },
      parcel: { type: 'float', value: '6.02677E+023' },
      ean: { type: 'float', value: '42348723648234' },
      postcode: { type: 'float', value: '1067' },
      // A Polish street name, read as 3 May 2005.
      address: { type: 'date', value: '2005-05-03' },
      comment: { type: 'float', value: '2', formula: 'of:=1+1' },
    });
  }, 120_000);
});
