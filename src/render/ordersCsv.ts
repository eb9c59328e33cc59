// The orders CSV and, beside it, the order-items CSV: one row per order, and one row per order line, written in one
// pass over the orders into two files, streamed: 100 000 orders never sit in memory. Every cell is written for a
// spreadsheet to open unchanged (spreadsheetCells.ts): identifiers exactly as text, dates and amounts as dates and
// numbers in the account's time zone and the delimiter's locale.
import { governmentStatusName, orderGrossTotal, type Order, type OrderProduct } from '../domain/documents.js';
import { openCsvFile } from './csvFile.js';
import { identifierCell, numberCell, textCell } from './spreadsheetCells.js';

/** What the orders CSV shows of an order's invoice. */
export interface OrderInvoice {
  number: string;
  /** '' until KSeF accepted it. */
  ksefNumber: string;
  ksefStatus: number;
}

export interface OrdersCsvOptions {
  delimiter: string;
  timeZone: string;
  statusNames: ReadonlyMap<number, string>;
  /** The order's invoice as the ledger knows it, or null. */
  invoiceOf(orderId: number): OrderInvoice | null;
}

interface Context {
  statusNames: ReadonlyMap<number, string>;
  date(seconds: number): string;
  number(value: number): string;
  invoice: OrderInvoice | null;
}

type Column<T> = [header: string, cell: (row: T, c: Context) => string];

const id = identifierCell;
const txt = textCell;

const ORDER_COLUMNS: Column<Order>[] = [
  ['order_id', (o) => id(String(o.id))],
  ['shop_order_id', (o) => id(o.shopOrderId ? String(o.shopOrderId) : '')],
  ['external_order_id', (o) => id(o.externalOrderId)],
  ['order_source', (o) => txt(o.source)],
  ['order_source_id', (o) => id(o.sourceId ? String(o.sourceId) : '')],
  ['status_id', (o) => id(String(o.statusId))],
  ['status_name', (o, c) => txt(c.statusNames.get(o.statusId) ?? '')],
  ['date_add', (o, c) => c.date(o.addedAt)],
  ['date_confirmed', (o, c) => c.date(o.confirmedAt)],
  ['date_in_status', (o, c) => c.date(o.inStatusSince)],
  ['user_login', (o) => id(o.userLogin)],
  ['email', (o) => id(o.email)],
  ['phone', (o) => id(o.phone)],
  ['currency', (o) => id(o.currency)],
  ['payment_method', (o) => txt(o.paymentMethod)],
  ['payment_cod', (o, c) => c.number(o.paymentCod ? 1 : 0)],
  ['payment_done', (o, c) => c.number(o.paymentDone)],
  ['delivery_method', (o) => txt(o.deliveryMethod)],
  ['delivery_price', (o, c) => c.number(o.deliveryPrice)],
  ['delivery_package_module', (o) => id(o.deliveryPackageModule)],
  ['delivery_package_nr', (o) => id(o.deliveryPackageNr)],
  ['delivery_fullname', (o) => txt(o.delivery.fullName)],
  ['delivery_company', (o) => txt(o.delivery.company)],
  ['delivery_address', (o) => txt(o.delivery.address)],
  ['delivery_postcode', (o) => id(o.delivery.postcode)],
  ['delivery_city', (o) => txt(o.delivery.city)],
  ['delivery_state', (o) => txt(o.delivery.state)],
  ['delivery_country', (o) => txt(o.delivery.country)],
  ['delivery_country_code', (o) => id(o.delivery.countryCode)],
  ['delivery_point_id', (o) => id(o.deliveryPoint.id)],
  ['delivery_point_name', (o) => txt(o.deliveryPoint.name)],
  ['delivery_point_address', (o) => txt(o.deliveryPoint.address)],
  ['delivery_point_postcode', (o) => id(o.deliveryPoint.postcode)],
  ['delivery_point_city', (o) => txt(o.deliveryPoint.city)],
  ['invoice_fullname', (o) => txt(o.invoice.fullName)],
  ['invoice_company', (o) => txt(o.invoice.company)],
  ['invoice_nip', (o) => id(o.invoice.vatId)],
  ['invoice_address', (o) => txt(o.invoice.address)],
  ['invoice_postcode', (o) => id(o.invoice.postcode)],
  ['invoice_city', (o) => txt(o.invoice.city)],
  ['invoice_state', (o) => txt(o.invoice.state)],
  ['invoice_country', (o) => txt(o.invoice.country)],
  ['invoice_country_code', (o) => id(o.invoice.countryCode)],
  ['want_invoice', (o, c) => c.number(o.wantInvoice ? 1 : 0)],
  ['invoice_number', (_o, c) => id(c.invoice?.number ?? '')],
  ['ksef_number', (_o, c) => id(c.invoice?.ksefNumber ?? '')],
  ['ksef_status', (_o, c) => txt(c.invoice ? governmentStatusName(c.invoice.ksefStatus) : '')],
  ['products_count', (o, c) => c.number(o.products.reduce((n, p) => n + p.quantity, 0))],
  ['total_gross', (o, c) => c.number(orderGrossTotal(o))],
  ['user_comments', (o) => txt(o.userComments)],
  ['admin_comments', (o) => txt(o.adminComments)],
  ['extra_field_1', (o) => txt(o.extraField1)],
  ['extra_field_2', (o) => txt(o.extraField2)],
  ['order_page', (o) => id(o.orderPage)],
  ['pick_state', (o, c) => c.number(o.pickState)],
  ['pack_state', (o, c) => c.number(o.packState)],
];

type Line = { order: Order; product: OrderProduct; position: number };

/** Everything BaseLinker's order products carry, so that the backup could rebuild an order line by line. */
const ITEM_COLUMNS: Column<Line>[] = [
  ['order_id', (l) => id(String(l.order.id))],
  ['position', (l, c) => c.number(l.position)],
  ['order_product_id', (l) => id(l.product.orderProductId)],
  ['product_id', (l) => id(l.product.productId)],
  ['variant_id', (l) => id(l.product.variantId)],
  ['name', (l) => txt(l.product.name)],
  ['attributes', (l) => txt(l.product.attributes)],
  ['sku', (l) => id(l.product.sku)],
  ['ean', (l) => id(l.product.ean)],
  ['quantity', (l, c) => c.number(l.product.quantity)],
  ['price_gross', (l, c) => c.number(l.product.priceGross)],
  ['tax_rate', (l, c) => c.number(l.product.taxRate)],
  ['value_gross', (l, c) => c.number(Math.round(l.product.priceGross * 100 * l.product.quantity) / 100)],
  ['currency', (l) => id(l.order.currency)],
  ['weight', (l, c) => c.number(l.product.weight)],
  ['storage', (l) => id(l.product.storage)],
  ['storage_id', (l) => id(l.product.storageId)],
  ['warehouse_id', (l) => id(l.product.warehouseId)],
  ['location', (l) => id(l.product.location)],
  ['auction_id', (l) => id(l.product.auctionId)],
  ['bundle_id', (l) => id(l.product.bundleId)],
];

export const ORDERS_CSV_HEADER = ORDER_COLUMNS.map(([header]) => header);
export const ORDER_ITEMS_CSV_HEADER = ITEM_COLUMNS.map(([header]) => header);

export interface OrdersCsvFiles {
  orders: string;
  items: string;
}

export interface OrdersCsvResult {
  orders: { rows: number; size: number };
  items: { rows: number; size: number };
}

/** Streams the orders into both files; an order's lines follow it into the items file as it passes. */
export async function writeOrdersCsv(files: OrdersCsvFiles, orders: AsyncIterable<Order>, o: OrdersCsvOptions): Promise<OrdersCsvResult> {
  const ordersFile = openCsvFile(files.orders, ORDERS_CSV_HEADER, o.delimiter);
  const itemsFile = openCsvFile(files.items, ORDER_ITEMS_CSV_HEADER, o.delimiter);
  // Excel in Polish and most European locales reads ";"-separated files with a decimal comma.
  const decimalComma = o.delimiter === ';';
  const context: Context = {
    statusNames: o.statusNames,
    date: localDateTime(o.timeZone),
    number: (value) => numberCell(value, decimalComma),
    invoice: null,
  };
  let failure: { error: unknown } | null = null;
  try {
    for await (const order of orders) {
      context.invoice = o.invoiceOf(order.id);
      await ordersFile.write(ORDER_COLUMNS.map(([, cell]) => cell(order, context)));
      for (const [k, product] of order.products.entries()) {
        const line = { order, product, position: k + 1 };
        await itemsFile.write(ITEM_COLUMNS.map(([, cell]) => cell(line, context)));
      }
    }
  } catch (error) {
    failure = { error };
  }
  // Both files are ended even when the orders failed, so that no stream is left open.
  const [ordersDone, itemsDone] = await Promise.allSettled([ordersFile.close(), itemsFile.close()]);
  if (failure) throw failure.error;
  if (ordersDone.status === 'rejected') throw ordersDone.reason;
  if (itemsDone.status === 'rejected') throw itemsDone.reason;
  return { orders: ordersDone.value, items: itemsDone.value };
}

/**
 * "2026-10-02 11:12:40", wall-clock time in the account's zone: the form Excel and LibreOffice read as a date and
 * time in any locale (with an offset appended, both keep it as text). Intl is asked only for the zone's offset, once
 * per quarter hour of time (no zone changes its offset between quarter hours), since formatting each cell through
 * Intl made the CSV several times slower.
 */
function localDateTime(timeZone: string): (seconds: number) => string {
  const formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  const offsets = new Map<number, number>();
  const offsetSeconds = (seconds: number): number => {
    const quarter = Math.floor(seconds / 900);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      const name = formatter.formatToParts(seconds * 1000).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
      const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
      offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
      if (offsets.size > 10_000) offsets.clear();
      offsets.set(quarter, offset);
    }
    return offset;
  };
  const two = (n: number) => String(n).padStart(2, '0');
  return (seconds) => {
    if (seconds <= 0) return '';
    const d = new Date((seconds + offsetSeconds(seconds)) * 1000);
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  };
}
