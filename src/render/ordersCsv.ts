// The orders CSV, streamed row by row into a file: 100 000 orders never sit in memory as 100 000 rows.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { orderGrossTotal, type Order } from '../domain/documents.js';

export interface OrdersCsvOptions {
  delimiter: string;
  timeZone: string;
  statusNames: ReadonlyMap<number, string>;
}

type Cell = string | number;

const COLUMNS: [header: string, cell: (o: Order, c: Context) => Cell][] = [
  ['order_id', (o) => o.id],
  ['shop_order_id', (o) => o.shopOrderId || ''],
  ['external_order_id', (o) => o.externalOrderId],
  ['order_source', (o) => o.source],
  ['order_source_id', (o) => o.sourceId || ''],
  ['status_id', (o) => o.statusId],
  ['status_name', (o, c) => c.statusNames.get(o.statusId) ?? ''],
  ['date_add', (o, c) => c.date(o.addedAt)],
  ['date_confirmed', (o, c) => c.date(o.confirmedAt)],
  ['date_in_status', (o, c) => c.date(o.inStatusSince)],
  ['user_login', (o) => o.userLogin],
  ['email', (o) => o.email],
  ['phone', (o) => o.phone],
  ['currency', (o) => o.currency],
  ['payment_method', (o) => o.paymentMethod],
  ['payment_cod', (o) => (o.paymentCod ? 1 : 0)],
  ['payment_done', (o) => o.paymentDone],
  ['delivery_method', (o) => o.deliveryMethod],
  ['delivery_price', (o) => o.deliveryPrice],
  ['delivery_package_module', (o) => o.deliveryPackageModule],
  ['delivery_package_nr', (o) => o.deliveryPackageNr],
  ['delivery_fullname', (o) => o.delivery.fullName],
  ['delivery_company', (o) => o.delivery.company],
  ['delivery_address', (o) => o.delivery.address],
  ['delivery_postcode', (o) => o.delivery.postcode],
  ['delivery_city', (o) => o.delivery.city],
  ['delivery_state', (o) => o.delivery.state],
  ['delivery_country', (o) => o.delivery.country],
  ['delivery_country_code', (o) => o.delivery.countryCode],
  ['delivery_point_id', (o) => o.deliveryPoint.id],
  ['delivery_point_name', (o) => o.deliveryPoint.name],
  ['invoice_fullname', (o) => o.invoice.fullName],
  ['invoice_company', (o) => o.invoice.company],
  ['invoice_nip', (o) => o.invoice.vatId],
  ['invoice_address', (o) => o.invoice.address],
  ['invoice_postcode', (o) => o.invoice.postcode],
  ['invoice_city', (o) => o.invoice.city],
  ['invoice_country', (o) => o.invoice.country],
  ['invoice_country_code', (o) => o.invoice.countryCode],
  ['want_invoice', (o) => (o.wantInvoice ? 1 : 0)],
  ['products_count', (o) => o.products.reduce((n, p) => n + p.quantity, 0)],
  ['products', (o) => o.products.map((p) => `${p.quantity}× ${p.name}${p.sku ? ` [${p.sku}]` : ''}`).join('; ')],
  ['total_gross', (o) => orderGrossTotal(o)],
  ['user_comments', (o) => o.userComments],
  ['admin_comments', (o) => o.adminComments],
];

export const ORDERS_CSV_HEADER = COLUMNS.map(([header]) => header);

interface Context {
  statusNames: ReadonlyMap<number, string>;
  date(seconds: number): string;
}

/** Streams the orders into `file` (mode 0600: it holds customers' personal data) and returns what it wrote. */
export async function writeOrdersCsv(file: string, orders: AsyncIterable<Order>, o: OrdersCsvOptions): Promise<{ rows: number; size: number }> {
  const context: Context = {
    statusNames: o.statusNames,
    date: isoDateTime(o.timeZone),
  };
  // Excel in Polish and most European locales reads ";"-separated files with a decimal comma.
  const decimalComma = o.delimiter === ';';
  let rows = 0;
  async function* records() {
    for await (const order of orders) {
      rows++;
      yield COLUMNS.map(([, cell]) => cell(order, context));
    }
  }
  await pipeline(
    Readable.from(records()),
    stringify({
      bom: true,
      delimiter: o.delimiter,
      header: true,
      columns: ORDERS_CSV_HEADER,
      record_delimiter: 'windows',
      cast: {
        number: (n) => (decimalComma ? String(n).replace('.', ',') : String(n)),
        string: (value) => defuseFormula(value),
      },
    }),
    fs.createWriteStream(file, { mode: 0o600 }),
  );
  return { rows, size: fs.statSync(file).size };
}

/**
 * ISO 8601 with the zone's offset (2026-11-20T02:15:00+01:00). One Intl formatter per file: formatting through
 * date-fns per cell made the CSV several times slower.
 */
function isoDateTime(timeZone: string): (seconds: number) => string {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  });
  return (seconds) => {
    if (seconds <= 0) return '';
    const p: Record<string, string> = {};
    for (const part of formatter.formatToParts(seconds * 1000)) p[part.type] = part.value;
    const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName!.replace('GMT', '');
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
  };
}

// Phone numbers and signed amounts as text ("+48 600 100 200", "-12,50") cannot carry a formula.
const PLAIN_NUMBERISH = /^[+-][\d\s().,/-]*$/;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) gets a leading apostrophe, which
 * spreadsheets show as text. Numbers are written as numbers and never pass through here.
 */
export function defuseFormula(value: string): string {
  if (value === '') return value;
  const first = value[0]!;
  if (first === '=' || first === '@' || first === '\t' || first === '\r') return `'${value}`;
  if ((first === '+' || first === '-') && !PLAIN_NUMBERISH.test(value)) return `'${value}`;
  return value;
}
