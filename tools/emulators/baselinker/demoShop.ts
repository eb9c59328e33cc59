// The demo account: a small Polish shop, generated relative to `asOf` so the demo and end-to-end tests always
// look like "last night". Deterministic: the same asOf and time zone always give the same shop.
//
// What is in it, and why (d = days before asOf, account time zone):
// - ~250 confirmed orders over 120 days: a 90-day getOrders scan takes three pages.
// - A run of 120 orders confirmed in ONE second (d 25, 03:00:00, an Allegro import). More than a page shares
//   that second, so any date_confirmed_from scan has a page boundary inside it, and the documented "last
//   date_confirmed + 1 s" recipe skips the rest of the run. All of them changed status inside the 30-day
//   window, so a client that skips them visibly loses rows.
// - An old order (confirmed d 60) whose status changed d 2: found only by scanning back past the window.
// - An order confirmed d 105 whose status changed d 1: beyond the default 90-day scan horizon, so a default
//   run does NOT find it. This is the documented cost of having no server-side filter on date_in_status.
// - Three unconfirmed orders (d 1 and d 0): getOrders leaves them out unless get_unconfirmed_orders is set.
// - Invoices and receipts of asOf's month and the previous month's last days (see demoDocuments.ts).
// - KSeF: every invoice BaseLinker issued a day or more before the end of asOf was accepted and has its KSeF number;
//   later ones are sent and still waiting. The external system's invoice has no KSeF data in BaseLinker.
// No order is confirmed 88–92 days back, and no status changes within a day of the window's start (00:00 on
// d 29), so what a default run must export never hangs on a client's rounding.

import { createHash } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { SELLER_NIP, SERIES, STATUSES, STATUS } from './demoCatalog.js';
import { planDocuments, toShopInvoice, toWireReceipt } from './demoDocuments.js';
import { backgroundOrders, specialOrders, toWireOrder, type OrderSpec } from './demoOrders.js';
import { accountClock, DAY, HOUR } from './demoTime.js';
import type { Shop, ShopGovernmentData, ShopInvoice } from './shop.js';

export interface DemoShopOptions {
  /** The day the shop is "as of", YYYY-MM-DD in the account's time zone. */
  asOf: string;
  /** Default Europe/Warsaw. */
  timeZone?: string;
}

/** What end-to-end tests assert against: the special cases' ids and numbers for a given asOf. */
export interface DemoLandmarks {
  /** Unix seconds: 00:00 on asOf minus 29 days, and 00:00 after asOf: the 30 days ending with asOf. */
  statusWindow: { from: number; to: number };
  sameSecondRun: { dateConfirmed: number; orderIds: number[] };
  oldOrderRecentStatus: number;
  /** Its status changed inside the window, but it was confirmed 105 days back: not found by a 90-day scan. */
  beyondHorizon: number;
  unconfirmed: number[];
  /** Confirmed orders with date_in_status inside the window and confirmed within 90 days: a default run's CSV. */
  ordersChangedInWindow: number[];
  invoices: {
    /** BaseLinker-issued, asOf's month, including the correction; excludes the external one. */
    thisMonth: string[];
    previousMonth: string[];
    correcting: string;
    corrected: string;
    eur: string;
    exempt: string;
    /** Goods to a Czech company: an intra-EU supply at 0%. */
    intraEu: string;
    /** Issued less than a day before the end of asOf: sent to KSeF, no number yet. */
    ksefPending: string[];
    /** The number BaseLinker lists for the invoice an external system issued. */
    external: string;
  };
  receipts: { thisMonth: string[]; previousMonth: string[]; czk: string };
}

export function demoShop(opts: DemoShopOptions): Shop {
  return buildDemo(opts).shop;
}

export function demoLandmarks(opts: DemoShopOptions): DemoLandmarks {
  return buildDemo(opts).landmarks;
}

const FIRST_ORDER_ID = 52_310_001;
const FIRST_INVOICE_ID = 3101;
const FIRST_RECEIPT_ID = 9001;

function buildDemo(opts: DemoShopOptions): { shop: Shop; landmarks: DemoLandmarks } {
  const clock = accountClock(opts.asOf, opts.timeZone ?? 'Europe/Warsaw');
  const documents = planDocuments(clock);
  const specs = [...backgroundOrders(clock), ...specialOrders(clock), ...documents.orders];
  const window = { from: clock.at(29), to: clock.at(-1) };
  for (const spec of specs) keepClearOfWindowStart(spec, window.from);
  const ids = assignOrderIds(specs);
  const idOf = (spec: OrderSpec) => ids.get(spec) as number;

  const orders = [...ids].map(([spec, id]) => toWireOrder(spec, id)).sort((a, b) => a.order_id - b.order_id);
  const invoiceIds = new Map(documents.invoices.map((plan, k) => [plan, FIRST_INVOICE_ID + k]));
  const invoices = documents.invoices.map((plan) =>
    toShopInvoice(plan, {
      invoiceId: invoiceIds.get(plan) as number,
      orderId: idOf(plan.order),
      correctedId: plan.corrects ? (invoiceIds.get(plan.corrects) as number) : 0,
    }),
  );
  const endOfAsOf = clock.at(-1);
  for (const invoice of invoices) if (!invoice.external) invoice.government = ksefState(invoice, endOfAsOf, clock.timeZone);
  const receipts = [...documents.receipts]
    .sort((a, b) => a.issuedAt - b.issuedAt)
    .map((plan, k) => toWireReceipt(plan, { receiptId: FIRST_RECEIPT_ID + k, orderId: idOf(plan.order) }));
  const shop: Shop = { orders, statuses: structuredClone(STATUSES), series: structuredClone(SERIES), invoices, receipts };

  const tagged = (tag: OrderSpec['tag']) => specs.filter((s) => s.tag === tag).map(idOf).sort((a, b) => a - b);
  const horizon = clock.at(90);
  const inMonth = (month: number) => (n: { month: number }) => n.month === month;
  const prevMonth = clock.month === 1 ? 12 : clock.month - 1;
  const numbered = (pred: (i: (typeof invoices)[number]) => boolean) => invoices.find(pred)?.number ?? '';
  const landmarks: DemoLandmarks = {
    statusWindow: window,
    sameSecondRun: { dateConfirmed: specs.find((s) => s.tag === 'sameSecondRun')?.dateConfirmed ?? 0, orderIds: tagged('sameSecondRun') },
    oldOrderRecentStatus: tagged('oldOrderRecentStatus')[0] ?? 0,
    beyondHorizon: tagged('beyondHorizon')[0] ?? 0,
    unconfirmed: tagged('unconfirmed'),
    ordersChangedInWindow: orders
      .filter((o) => o.confirmed && o.date_confirmed >= horizon && o.date_in_status >= window.from && o.date_in_status < window.to)
      .map((o) => o.order_id),
    invoices: {
      thisMonth: invoices.filter((i) => !i.external && inMonth(clock.month)(i)).map((i) => i.number),
      previousMonth: invoices.filter((i) => inMonth(prevMonth)(i)).map((i) => i.number),
      correcting: numbered((i) => i.type === 'correcting'),
      corrected: numbered((i) => invoices.some((c) => c.correcting_to_invoice_id === i.invoice_id)),
      eur: numbered((i) => i.currency === 'EUR'),
      exempt: numbered((i) => i.items.some((it) => it.tax_rate === -1)),
      intraEu: numbered((i) => i.invoice_country_code !== 'PL' && i.items.every((it) => it.tax_rate === 0)),
      ksefPending: invoices.filter((i) => i.government?.status === 1).map((i) => i.number),
      external: numbered((i) => i.external),
    },
    receipts: {
      thisMonth: receipts.filter(inMonth(clock.month)).map((r) => r.receipt_full_nr),
      previousMonth: receipts.filter(inMonth(prevMonth)).map((r) => r.receipt_full_nr),
      czk: receipts.find((r) => r.currency === 'CZK')?.receipt_full_nr ?? '',
    },
  };
  return { shop, landmarks };
}

/** KSeF accepts an invoice within hours; one issued in the last day before the end of asOf is still waiting. */
function ksefState(invoice: ShopInvoice, endOfAsOf: number, timeZone: string): ShopGovernmentData {
  if (endOfAsOf - invoice.date_add < DAY) return { id: '', date: invoice.date_add + 10 * 60, status: 1 };
  const acceptedAt = invoice.date_add + 2 * HOUR;
  return { id: ksefNumber(SELLER_NIP, acceptedAt, invoice.invoice_id, timeZone), date: acceptedAt, status: 2 };
}

/**
 * A number in KSeF's format: the seller's NIP, the day KSeF took the invoice, twelve hex digits of KSeF's own, and
 * two more that stand for its checksum (e.g. 5265877635-20250626-010080DD2B5E-26). Deterministic per invoice.
 */
export function ksefNumber(nip: string, acceptedAt: number, invoiceId: number, timeZone: string): string {
  const day = format(new TZDate(acceptedAt * 1000, timeZone), 'yyyyMMdd');
  const hex = createHash('sha256').update(`ksef-${invoiceId}`).digest('hex').toUpperCase();
  return `${nip}-${day}-${hex.slice(0, 12)}-${hex.slice(12, 14)}`;
}

/**
 * Ids rise with creation time, as BaseLinker assigns them. Confirmed orders are also kept in the same order by
 * confirmation time (creation nudged where two would cross), so paging by id_from and by date_confirmed_from
 * walk the orders in one order.
 */
function assignOrderIds(specs: OrderSpec[]): Map<OrderSpec, number> {
  const confirmed = specs
    .map((spec, seq) => ({ spec, seq }))
    .filter(({ spec }) => spec.dateConfirmed !== 0)
    .sort((a, b) => a.spec.dateConfirmed - b.spec.dateConfirmed || a.seq - b.seq);
  let last = -Infinity;
  for (const { spec } of confirmed) {
    if (spec.dateAdd <= last) spec.dateAdd = last + 1;
    last = spec.dateAdd;
  }
  const byCreation = specs.map((spec, seq) => ({ spec, seq })).sort((a, b) => a.spec.dateAdd - b.spec.dateAdd || a.seq - b.seq);
  return new Map(byCreation.map(({ spec }, k) => [spec, FIRST_ORDER_ID + k]));
}

/** Moves a status change that falls within a day of the window's start clearly to one side of it. */
function keepClearOfWindowStart(spec: OrderSpec, windowFrom: number): void {
  if (spec.dateConfirmed === 0 || Math.abs(spec.inStatus - windowFrom) >= DAY) return;
  if (spec.statusId !== STATUS.cancelled) spec.statusId = STATUS.shipped;
  spec.inStatus =
    spec.dateConfirmed <= windowFrom - 1.5 * DAY ? spec.dateConfirmed + HOUR : Math.max(spec.dateConfirmed, windowFrom + 1.5 * DAY);
}

