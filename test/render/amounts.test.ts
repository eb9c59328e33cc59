// The statutory arithmetic at the level of numbers: per-rate sums, both methods, the PLN conversion, and the records'
// totals. vatArithmetic.test.ts checks that every rendered document prints these figures.
import { describe, expect, it } from 'vitest';
import type { InvoiceItem } from '../../src/domain/documents.js';
import { invoiceTotals, lineAmounts, plnRate, pricingBasis, summaryTotal, vatSummary } from '../../src/render/amounts.js';
import { formatTaxRate } from '../../src/render/taxRate.js';
import { parseInvoice } from '../../src/sources/baselinker/parse.js';
import { eurInvoice, plnInvoice } from '../fixtures/documents.js';
import { REAL_INVOICE_RECORDS } from '../fixtures/realInvoices.js';

const real = (number: string) => parseInvoice(REAL_INVOICE_RECORDS.find((r) => r.number === number));

function netPriced(net: number, rate: number, quantity: number): InvoiceItem {
  return { name: 'x', sku: '', ean: '', priceNet: net, priceGross: net * (1 + rate / 100), taxRate: rate, quantity, unit: '', isShipment: false };
}

describe('VAT per rate, from the per-rate gross sum (art. 106e ust. 7–8)', () => {
  it('gives the real invoice 1/3/2016/shop the VAT it is due: 47.31, not the 47.30 of rounded line nets', () => {
    const totals = invoiceTotals(real('1/3/2016/shop'));
    expect(totals.basis).toBe('gross');
    expect(totals.rows).toEqual([{ rate: 23, grossCents: 25300, vatCents: 4731, netCents: 20569, vatPlnCents: null }]);
    // Its record's net total, 205.691, is the same figure to within half a grosz: no disagreement.
    expect(totals.disagreement).toBeNull();
    expect(totals.total).toMatchObject({ grossCents: 25300, netCents: 20569, vatCents: 4731 });
  });

  it('rounds half a grosz up: 2/9/2021 owes 83.33 VAT on 499.95 at 20%', () => {
    const totals = invoiceTotals(real('2/9/2021'));
    expect(totals.rows[0]).toMatchObject({ rate: 20, grossCents: 49995, vatCents: 8333, netCents: 41662 });
    expect(totals.disagreement).toBeNull();
  });

  it('charges no VAT at 0% and converts nothing without a PLN rate to apply', () => {
    const totals = invoiceTotals(real('3/9/2021'));
    expect(totals.rows).toEqual([{ rate: 0, grossCents: 70948, vatCents: 0, netCents: 70948, vatPlnCents: 0 }]);
  });

  it('sums VAT per rate in the usual order and matches the fixture invoice totals', () => {
    const rows = vatSummary(plnInvoice.items, 'gross', null);
    expect(rows.map((r) => formatTaxRate(r.rate, 'pl'))).toEqual(['23%', '8%', '5%', 'zw']);
    expect(rows[0]).toMatchObject({ netCents: 176095, vatCents: 40502, grossCents: 216597, vatPlnCents: null });
    // 8%: 267.00 × 8/108 = 19.777… → 19.78
    expect(rows[1]).toMatchObject({ grossCents: 26700, vatCents: 1978, netCents: 24722 });
    const total = summaryTotal(rows);
    expect(total.grossCents / 100).toBe(plnInvoice.totalGross);
    expect(total.netCents / 100).toBe(plnInvoice.totalNet);
  });

  it('keeps net + VAT = gross on every line, each line computed on its own', () => {
    for (const item of [...plnInvoice.items, ...eurInvoice.items]) {
      const line = lineAmounts(item, 'gross');
      expect(line.netCents + line.vatCents).toBe(line.grossCents);
    }
    // 2 × 149.99 gross: 299.98 × 23/123 = 56.0939… → 56.09 VAT, 243.89 net
    expect(lineAmounts(plnInvoice.items[1]!, 'gross')).toEqual({ netCents: 24389, vatCents: 5609, grossCents: 29998 });
  });
});

describe('VAT per rate, from the per-rate net sum, for invoices priced net', () => {
  const items = [netPriced(33.33, 23, 3), netPriced(10.01, 23, 1), netPriced(12.5, 8, 2)];

  it('recognises net pricing: whole-grosz net prices, gross prices that are not', () => {
    expect(pricingBasis(items)).toBe('net');
    expect(pricingBasis(plnInvoice.items)).toBe('gross');
    expect(pricingBasis([{ priceGross: 12.34, taxRate: 23, quantity: 1 }])).toBe('gross'); // a receipt's line
  });

  it('taxes the per-rate net sum: 110.00 × 23% = 25.30, 25.00 × 8% = 2.00', () => {
    const rows = vatSummary(items, 'net', null);
    expect(rows).toEqual([
      { rate: 23, netCents: 11000, vatCents: 2530, grossCents: 13530, vatPlnCents: null },
      { rate: 8, netCents: 2500, vatCents: 200, grossCents: 2700, vatPlnCents: null },
    ]);
  });
});

describe('grand totals against the record', () => {
  it("prints the record's totals and says why when the lines cannot add up to them", () => {
    const wrong = { ...plnInvoice, totalGross: 2600, totalNet: 2150 };
    const totals = invoiceTotals(wrong);
    expect(totals.total).toMatchObject({ grossCents: 260000, netCents: 215000, vatCents: 45000 });
    expect(totals.disagreement).toBe("its lines sum to 2085.22 net and 2512.87 gross PLN, its record says 2150 and 2600; the record's totals are printed");
  });

  it('allows half a grosz per VAT rate between the record’s unrounded net and the statutory one', () => {
    // Three taxed rates (23%, 8%, 5%; "zw" is not rounded): up to 1.5 grosz.
    expect(invoiceTotals({ ...plnInvoice, totalNet: 2085.22 + 0.014 }).disagreement).toBeNull();
    expect(invoiceTotals({ ...plnInvoice, totalNet: 2085.22 + 0.02 }).disagreement).not.toBeNull();
  });
});

describe('VAT in PLN', () => {
  it('converts VAT per rate with the invoice exchange rate', () => {
    const rate = plnRate(eurInvoice);
    expect(rate).toBe(4.2954);
    const rows = vatSummary(eurInvoice.items, 'gross', rate);
    // 380.36 EUR × 4.2954 = 1633.798… → 1633.80 PLN
    expect(rows[0]).toMatchObject({ vatCents: 38036, vatPlnCents: 163380 });
    expect(summaryTotal(rows).vatPlnCents).toBe(163380);
  });

  it('does not convert PLN invoices or unusable rates', () => {
    expect(plnRate(plnInvoice)).toBeNull();
    expect(plnRate({ currency: 'EUR', exchange: { currency: 'PLN', rate: 0, date: '', info: '' } })).toBeNull();
    expect(plnRate({ currency: 'EUR', exchange: { currency: 'CZK', rate: 24.3, date: '', info: '' } })).toBeNull();
    expect(plnRate({ currency: 'EUR', exchange: { currency: '', rate: 4.3, date: '', info: '' } })).toBe(4.3);
  });
});
