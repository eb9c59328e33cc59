// A large account for the benchmark (`npm run bench`): as many orders, invoices and receipts as asked for, made
// from the demo shop's catalogue and wire helpers, so the emulator serves the same loose wire types. Deterministic:
// the same options always give the same shop.
//
// Layout (d = days before asOf, account time zone):
// - Orders confirmed evenly over d 85 … d 0 (one every few minutes, day and night, each in a second of its own),
//   so a default 90-day scan reads every one of them, and every receipt's order (hence its currency) is read too.
//   Their status changed 1–3 days after confirmation: about a third fall in the 30-day CSV window.
// - Invoices and receipts are issued two hours after their order is confirmed, spread evenly over the orders, so
//   they span four months (the as-of month and the three before it). A first run stores them all only with a
//   backfill (`BACKUP_BACKFILL_FROM=all`); its default cutoff is the 1st of the as-of month.
// - Every 250th invoice is a correction of the invoice before it (one item returned); no order of its own.
// - Numbered per month and series (FV/12/11/2026, FK/1/11/2026, PAR/5/11/2026), ids rising with issue time.

import { currencyFor, EVERYDAY_BUYERS, EVERYDAY_PRODUCTS, PEOPLE, SERIES, SERIES_ID, STATUS, STATUSES, type Person, type Product } from './demoCatalog.js';
import { toShopInvoice, toWireReceipt, type InvoicePlan, type ReceiptPlan } from './demoDocuments.js';
import { linesFor, paymentFor, toWireOrder, type OrderLine, type OrderSpec } from './demoOrders.js';
import { accountClock, DAY, HOUR, seededRandom } from './demoTime.js';
import type { Shop } from './shop.js';

export interface LargeShopOptions {
  /** The day the shop is "as of", YYYY-MM-DD in the account's time zone. */
  asOf: string;
  orders: number;
  /** Invoices, corrections included; with receipts, at most one document per order. */
  invoices: number;
  receipts: number;
  /** Default Europe/Warsaw. */
  timeZone?: string;
}

/** How far back the orders go: inside the default 90-day scan, clear of its edge. */
export const LARGE_SHOP_SPAN_DAYS = 85;
const CORRECTION_EVERY = 250;
const FIRST_ORDER_ID = 60_000_001;
const FIRST_INVOICE_ID = 200_001;
const FIRST_RECEIPT_ID = 500_001;
/** Buyers of invoiced orders: the everyday ones plus the companies, as invoices are asked for by firms more often. */
const INVOICE_BUYERS: Person[] = [...EVERYDAY_BUYERS, PEOPLE.pawel, PEOPLE.tomasz, PEOPLE.zazolc, PEOPLE.pracownia, PEOPLE.kun];

export function largeShop(o: LargeShopOptions): Shop {
  for (const [name, n] of [['orders', o.orders], ['invoices', o.invoices], ['receipts', o.receipts]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`largeShop: ${name} must be a whole number ≥ 0, got ${n}`);
  }
  if (o.invoices + o.receipts > o.orders) throw new Error('largeShop: at most one invoice or receipt per order');
  const clock = accountClock(o.asOf, o.timeZone ?? 'Europe/Warsaw');
  const rnd = seededRandom(0x1a79e5);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const first = clock.at(LARGE_SHOP_SPAN_DAYS, 0, 0);
  const latest = clock.at(0, 17, 30);
  const spacing = (latest - first) / Math.max(1, o.orders);

  // Documents are given to orders evenly (Bresenham): order k holds one when floor((k+1)·D/N) steps up; among the
  // documents, receipts are spread the same way.
  const documents = o.invoices + o.receipts;
  const steps = (k: number, of: number, total: number) => Math.floor(((k + 1) * of) / total) - Math.floor((k * of) / total);

  const specs: OrderSpec[] = [];
  const invoicePlans: InvoicePlan[] = [];
  const receiptPlans: ReceiptPlan[] = [];
  const numbers = new Map<string, number>();
  const nextNumber = (series: string, issuedAt: number) => {
    const { year, month } = clock.localDate(issuedAt);
    const key = `${series}/${month}/${year}`;
    const n = (numbers.get(key) ?? 0) + 1;
    numbers.set(key, n);
    return { number: `${series}/${n}/${month}/${year}`, subId: n, month, year };
  };

  let doc = 0;
  for (let k = 0; k < o.orders; k++) {
    // Strictly rising, whole seconds: the jitter stays within a third of the spacing.
    const confirmedAt = Math.floor(first + k * spacing + (rnd() - 0.5) * (spacing / 3));
    const hasDocument = documents > 0 && steps(k, documents, o.orders) === 1;
    const isReceipt = hasDocument && steps(doc, o.receipts, documents) === 1;
    const buyer = hasDocument && !isReceipt ? pick(INVOICE_BUYERS) : pick(EVERYDAY_BUYERS);
    const lines = pickLines(rnd);
    const roll = rnd();
    const allegro = buyer.countryCode === 'PL' && !hasDocument && roll < 0.3;
    const cod = buyer.countryCode === 'PL' && !allegro && roll > 0.85;
    const inStatus = Math.min(confirmedAt + (1 + (k % 3)) * DAY + (k % 5) * HOUR, latest);
    const spec: OrderSpec = {
      buyer,
      lines: linesFor(buyer, lines),
      currency: currencyFor(buyer.countryCode),
      source: allegro ? 'allegro' : 'shop',
      dateAdd: confirmedAt - 60 - (k % 7) * 41,
      dateConfirmed: confirmedAt,
      statusId: roll > 0.97 ? STATUS.cancelled : inStatus - confirmedAt > 2 * DAY ? STATUS.completed : STATUS.shipped,
      inStatus,
      paymentMethod: cod ? 'Pobranie' : allegro ? 'Allegro Finance' : paymentFor(buyer),
      cod,
      paid: !cod,
      wantInvoice: hasDocument && !isReceipt,
      userComments: k % 97 === 0 ? 'Proszę o staranne zapakowanie – to prezent!' : '',
      variant: k,
    };
    specs.push(spec);
    if (!hasDocument) continue;
    doc++;
    const issuedAt = confirmedAt + 2 * HOUR;
    if (isReceipt) {
      receiptPlans.push({ ...nextNumber('PAR', issuedAt), issuedAt, order: spec, nip: buyer.nip, externalNumber: '' });
      continue;
    }
    const previous = invoicePlans.at(-1);
    if ((invoicePlans.length + 1) % CORRECTION_EVERY === 0 && previous?.kind === 'normal') {
      const returned = previous.order.lines[0] as OrderLine;
      invoicePlans.push({
        kind: 'correcting', seriesId: SERIES_ID.correction, ...nextNumber('FK', issuedAt), issuedAt, order: previous.order,
        payToDays: 0, corrects: previous, correctionLines: [{ product: returned.product, quantity: -1 }],
        reason: 'Zwrot towaru – odstąpienie od umowy',
      });
      continue;
    }
    invoicePlans.push({
      kind: 'normal', seriesId: SERIES_ID.invoice, ...nextNumber('FV', issuedAt), issuedAt, order: spec,
      payToDays: buyer.nip ? 14 : 0, stringPrices: k % 9 === 0,
    });
  }

  const orderIds = new Map(specs.map((spec, k) => [spec, FIRST_ORDER_ID + k]));
  const idOf = (spec: OrderSpec) => orderIds.get(spec) as number;
  const invoiceIds = new Map(invoicePlans.map((plan, k) => [plan, FIRST_INVOICE_ID + k]));
  return {
    orders: specs.map((spec) => toWireOrder(spec, idOf(spec))),
    statuses: structuredClone(STATUSES),
    series: structuredClone(SERIES),
    invoices: invoicePlans.map((plan) =>
      toShopInvoice(plan, {
        invoiceId: invoiceIds.get(plan) as number,
        orderId: idOf(plan.order),
        correctedId: plan.corrects ? (invoiceIds.get(plan.corrects) as number) : 0,
      }),
    ),
    receipts: receiptPlans.map((plan, k) => toWireReceipt(plan, { receiptId: FIRST_RECEIPT_ID + k, orderId: idOf(plan.order) })),
  };
}

function pickLines(rnd: () => number): OrderLine[] {
  const count = 1 + Math.floor(rnd() * 3);
  const start = Math.floor(rnd() * EVERYDAY_PRODUCTS.length);
  return Array.from({ length: count }, (_, i) => ({
    product: EVERYDAY_PRODUCTS[(start + i * 3) % EVERYDAY_PRODUCTS.length] as Product,
    quantity: 1 + Math.floor(rnd() * 2),
  }));
}
