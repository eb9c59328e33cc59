// Invoice and receipt arithmetic in integer grosze, the statutory way. BaseLinker stores unit prices only (the net
// one with up to four decimals, e.g. 80.4878), so the printed values are computed here:
//
// - Priced gross (BaseLinker's orders are): per VAT rate, the gross values of the lines are summed, the tax is
//   gross × rate / (100 + rate) rounded to the grosz, and net = gross − tax (art. 106e ust. 7–8 of the VAT act;
//   the formula was § 8 of the 2011 invoicing regulation before it moved into the act).
// - Priced net: per rate, the net values are summed and the tax is net × rate / 100 rounded to the grosz
//   (art. 106e ust. 1 pkt 14 with the rounding of ust. 11).
//
// Either way the tax comes from the per-rate sum, not from rounded lines: summing line taxes (or taking gross minus
// the sum of rounded line nets) is off by a grosz often enough that an accountant would not accept the copy.
import type { Invoice, InvoiceItem, ReceiptItem, TaxRate } from '../domain/documents.js';
import { roundTo, toCents } from './format.js';
import { compareTaxRates, isSpecialRate, taxRateKey } from './taxRate.js';

export type PricingBasis = 'gross' | 'net';

export interface LineAmounts {
  netCents: number;
  vatCents: number;
  grossCents: number;
}

export interface VatSummaryRow extends LineAmounts {
  rate: TaxRate;
  /** VAT in PLN for a foreign-currency invoice, else null. */
  vatPlnCents: number | null;
}

/** A line's gross and net unit prices; receipts know only the gross one. */
type PricedLine = Pick<ReceiptItem, 'priceGross' | 'taxRate' | 'quantity'> & { priceNet?: number };

const isWholeGrosz = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;

/**
 * Which prices were set by hand and which were derived. BaseLinker derives the unit net from the gross one
 * (gross / (1 + rate), kept to four decimals), so net prices that are all whole grosze while some gross price is
 * not mean the invoice was priced net. Anything else, receipts included, was priced gross.
 */
export function pricingBasis(items: readonly PricedLine[]): PricingBasis {
  const netIsSet = items.every((i) => i.priceNet !== undefined && isWholeGrosz(i.priceNet));
  return netIsSet && items.some((i) => !isWholeGrosz(i.priceGross)) ? 'net' : 'gross';
}

/** Tax on one amount in grosze, rounded half away from zero; none for the special rates and 0%. */
function taxFromGross(grossCents: number, rate: TaxRate): number {
  return isSpecialRate(rate) || rate <= 0 ? 0 : Math.round(roundTo(((grossCents / 100) * rate) / (100 + rate), 2) * 100);
}

function taxFromNet(netCents: number, rate: TaxRate): number {
  return isSpecialRate(rate) || rate <= 0 ? 0 : Math.round(roundTo(((netCents / 100) * rate) / 100, 2) * 100);
}

/** A line's values on the invoice's basis: the priced value exact, the tax of that line alone, the rest derived. */
export function lineAmounts(item: PricedLine, basis: PricingBasis): LineAmounts {
  if (basis === 'gross') {
    const grossCents = toCents(item.priceGross * item.quantity);
    const vatCents = taxFromGross(grossCents, item.taxRate);
    return { grossCents, vatCents, netCents: grossCents - vatCents };
  }
  const netCents = toCents((item.priceNet ?? item.priceGross) * item.quantity);
  const vatCents = taxFromNet(netCents, item.taxRate);
  return { netCents, vatCents, grossCents: netCents + vatCents };
}

/** The unit price a line shows: gross on an invoice priced gross (art. 106e ust. 8 allows it), else net. */
export function unitPrice(item: InvoiceItem, basis: PricingBasis): number {
  return basis === 'gross' ? item.priceGross : item.priceNet;
}

/**
 * One row per VAT rate, sorted 23% → 0% → zw → np → oo, each computed from its per-rate sum as the header explains.
 * With a PLN rate, each row's VAT is also given in PLN: VAT in the invoice currency × rate, rounded to the grosz
 * (art. 106e ust. 11 asks for the tax amount converted to złoty).
 */
export function vatSummary(items: readonly PricedLine[], basis: PricingBasis, rateToPln: number | null): VatSummaryRow[] {
  const sums = new Map<string, { rate: TaxRate; cents: number }>();
  for (const item of items) {
    const key = taxRateKey(item.taxRate);
    const sum = sums.get(key) ?? { rate: item.taxRate, cents: 0 };
    sum.cents += basis === 'gross' ? toCents(item.priceGross * item.quantity) : toCents((item.priceNet ?? item.priceGross) * item.quantity);
    sums.set(key, sum);
  }
  const rows = [...sums.values()].map(({ rate, cents }): VatSummaryRow => {
    if (basis === 'gross') {
      const vatCents = taxFromGross(cents, rate);
      return { rate, grossCents: cents, vatCents, netCents: cents - vatCents, vatPlnCents: null };
    }
    const vatCents = taxFromNet(cents, rate);
    return { rate, netCents: cents, vatCents, grossCents: cents + vatCents, vatPlnCents: null };
  });
  rows.sort((a, b) => compareTaxRates(a.rate, b.rate));
  if (rateToPln !== null) {
    for (const row of rows) row.vatPlnCents = Math.round(roundTo((row.vatCents / 100) * rateToPln, 2) * 100);
  }
  return rows;
}

/** Sum of the summary rows (the "Razem" row). */
export function summaryTotal(rows: readonly VatSummaryRow[]): VatSummaryRow {
  const total: VatSummaryRow = { rate: NaN, netCents: 0, vatCents: 0, grossCents: 0, vatPlnCents: null };
  for (const row of rows) {
    total.netCents += row.netCents;
    total.vatCents += row.vatCents;
    total.grossCents += row.grossCents;
    if (row.vatPlnCents !== null) total.vatPlnCents = (total.vatPlnCents ?? 0) + row.vatPlnCents;
  }
  return total;
}

/**
 * The rate that converts this invoice's amounts into PLN, or null when none applies. BaseLinker's
 * exchange_currency is the currency converted to (normally PLN); when it is empty or repeats the invoice
 * currency we still read the rate as PLN per unit, the only conversion Polish VAT law asks for.
 */
export function plnRate(invoice: Pick<Invoice, 'currency' | 'exchange'>): number | null {
  const { exchange } = invoice;
  if (!exchange || invoice.currency.toUpperCase() === 'PLN') return null;
  const target = exchange.currency.trim().toUpperCase();
  if (target !== '' && target !== 'PLN' && target !== invoice.currency.toUpperCase()) return null;
  return Number.isFinite(exchange.rate) && exchange.rate > 0 ? exchange.rate : null;
}

export interface InvoiceTotals {
  basis: PricingBasis;
  rows: VatSummaryRow[];
  /** What the "Razem" row prints: the sum of the rows, or the record's totals when the two cannot agree. */
  total: VatSummaryRow;
  /** Why the record's totals were printed instead of the rows' sum; null when they agree. */
  disagreement: string | null;
}

/**
 * The VAT summary of an invoice and its grand totals, checked against the record's total_price_brutto and
 * total_price_netto. BaseLinker keeps the net total unrounded (205.691: the sum of its four-decimal unit nets), so it
 * agrees with the statutory figure when it lies within half a grosz per VAT rate of it: each rate's rounding moves
 * its net by at most that much. When it does not, the record's totals are printed and the caller warns.
 */
export function invoiceTotals(invoice: Pick<Invoice, 'items' | 'totalGross' | 'totalNet' | 'currency' | 'exchange'>): InvoiceTotals {
  const basis = pricingBasis(invoice.items);
  const rateToPln = plnRate(invoice);
  const rows = vatSummary(invoice.items, basis, rateToPln);
  const sum = summaryTotal(rows);
  const taxedRates = rows.filter((r) => !isSpecialRate(r.rate) && r.rate > 0).length;
  const grossOff = Math.abs(sum.grossCents - invoice.totalGross * 100);
  const netOff = Math.abs(sum.netCents - invoice.totalNet * 100);
  const tolerance = 0.5 * Math.max(1, taxedRates) + 1e-6;
  if (grossOff <= 0.5 + 1e-6 && netOff <= tolerance) return { basis, rows, total: sum, disagreement: null };

  const grossCents = toCents(invoice.totalGross);
  const netCents = toCents(invoice.totalNet);
  const vatCents = grossCents - netCents;
  const vatPlnCents = rateToPln === null ? null : Math.round(roundTo((vatCents / 100) * rateToPln, 2) * 100);
  const money = (cents: number) => (cents / 100).toFixed(2);
  return {
    basis,
    rows,
    total: { rate: NaN, grossCents, netCents, vatCents, vatPlnCents },
    disagreement:
      `its lines sum to ${money(sum.netCents)} net and ${money(sum.grossCents)} gross ${invoice.currency}, ` +
      `its record says ${invoice.totalNet} and ${invoice.totalGross}; the record's totals are printed`,
  };
}
