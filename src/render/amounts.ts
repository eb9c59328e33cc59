// Invoice arithmetic in integer cents: line values, the VAT summary per rate, and VAT converted to PLN.
// BaseLinker stores unit prices only (net often with many decimals, e.g. 81.300813), so line values are
// computed here: gross = unit gross × qty and net = unit net × qty, each rounded to the cent, and
// VAT = gross − net, so that net + VAT = gross holds on every printed line and in every summary row.
import type { Invoice, InvoiceItem, TaxRate } from '../domain/documents.js';
import { roundTo, toCents } from './format.js';
import { compareTaxRates, taxRateKey } from './taxRate.js';

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

export function lineAmounts(item: InvoiceItem): LineAmounts {
  const grossCents = toCents(item.priceGross * item.quantity);
  const netCents = toCents(item.priceNet * item.quantity);
  return { netCents, vatCents: grossCents - netCents, grossCents };
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

/**
 * One row per VAT rate, sorted 23% → 0% → zw → np → oo. With a PLN rate, each row's VAT is also given in PLN:
 * VAT in the invoice currency × rate, rounded to the grosz (art. 106e ust. 11 of the Polish VAT act asks for
 * the tax amount converted to złoty).
 */
export function vatSummary(items: readonly InvoiceItem[], rateToPln: number | null): VatSummaryRow[] {
  const rows = new Map<string, VatSummaryRow>();
  for (const item of items) {
    const key = taxRateKey(item.taxRate);
    const row = rows.get(key) ?? { rate: item.taxRate, netCents: 0, vatCents: 0, grossCents: 0, vatPlnCents: null };
    const line = lineAmounts(item);
    row.netCents += line.netCents;
    row.vatCents += line.vatCents;
    row.grossCents += line.grossCents;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => compareTaxRates(a.rate, b.rate));
  if (rateToPln !== null) {
    for (const row of sorted) row.vatPlnCents = Math.round(roundTo((row.vatCents / 100) * rateToPln, 2) * 100);
  }
  return sorted;
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
