// Every document we render, checked to the grosz against the statutory arithmetic, as printed: the demo shop's
// invoices and receipts, the test fixtures (one of them priced net) and invoices BaseLinker really sent. The
// expected figures come from this file's own small implementation of both methods (art. 106e ust. 7–8 from the
// per-rate gross sum for documents priced gross, the per-rate net sum for those priced net), not from the renderer's.
import { describe, expect, it } from 'vitest';
import type { Invoice, Receipt, ReceiptItem } from '../../src/domain/documents.js';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { renderReceiptPdf } from '../../src/render/receiptPdf.js';
import { list } from '../../src/sources/baselinker/loose.js';
import { parseInvoice, parseReceiptEntry, receiptTotal } from '../../src/sources/baselinker/parse.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { callMethod } from '../../tools/emulators/baselinker/methods.js';
import { correctingInvoice, eurInvoice, longInvoice, netPricedInvoice, plnInvoice, receipt } from '../fixtures/documents.js';
import { REAL_INVOICE_RECORDS } from '../fixtures/realInvoices.js';
import { pdfToText, skipImageTests } from './poppler.js';

const options = { language: 'pl', timeZone: 'Europe/Warsaw' } as const;
const shop = demoShop({ asOf: '2026-11-20', timeZone: 'Europe/Warsaw' });

async function demoInvoices(): Promise<Invoice[]> {
  const answer = await callMethod(shop, 'getInvoices', { get_external_invoices: false, get_government_data: true });
  if (!answer.ok) throw new Error(answer.message);
  return list(answer.payload.invoices, 'invoices').map(parseInvoice);
}

async function demoReceipts(): Promise<Receipt[]> {
  const answer = await callMethod(shop, 'getReceipts', {});
  if (!answer.ok) throw new Error(answer.message);
  return list(answer.payload.receipts, 'receipts').map((raw) => {
    const entry = parseReceiptEntry(raw);
    const currency = shop.orders.find((o) => o.order_id === entry.orderId)!.currency;
    return { ...entry, currency, totalGross: receiptTotal(entry.items) };
  });
}

interface Row {
  rate: string;
  net: number;
  vat: number;
  gross: number;
}

type Line = Pick<ReceiptItem, 'priceGross' | 'taxRate' | 'quantity'> & { priceNet?: number };

const SPECIAL: Record<string, string> = { '-1': 'zw', '-0.02': 'np', '-0.03': 'oo' };
const rateLabel = (rate: number) => SPECIAL[String(rate)] ?? `${String(rate).replace('.', ',')}%`;
const halfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x) + 1e-9);
const cents = (x: number) => halfAway(x * 100);
const whole = (x: number) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;

/** Priced net when every net price is whole grosze and some gross price is not; else priced gross. */
function pricedNet(lines: readonly Line[]): boolean {
  return lines.every((l) => l.priceNet !== undefined && whole(l.priceNet)) && lines.some((l) => !whole(l.priceGross));
}

/** The statutory summary: per rate, the tax on the sum, by the method the pricing calls for. */
function statutory(lines: readonly Line[]): Row[] {
  const byNet = pricedNet(lines);
  const sums = new Map<number, number>();
  for (const l of lines) sums.set(l.taxRate, (sums.get(l.taxRate) ?? 0) + cents((byNet ? l.priceNet! : l.priceGross) * l.quantity));
  const rows = [...sums].map(([rate, sum]): Row => {
    const taxed = rate > 0;
    if (byNet) {
      const vat = taxed ? halfAway((sum * rate) / 100) : 0;
      return { rate: rateLabel(rate), net: sum, vat, gross: sum + vat };
    }
    const vat = taxed ? halfAway((sum * rate) / (100 + rate)) : 0;
    return { rate: rateLabel(rate), net: sum - vat, vat, gross: sum };
  });
  const order = (r: Row) => ['zw', 'np', 'oo'].indexOf(r.rate);
  return rows.sort((a, b) => order(a) - order(b) || parseFloat(b.rate) - parseFloat(a.rate));
}

const amount = (text: string) => Math.round(Number(text.replace(/\s/g, '').replace(',', '.')) * 100);

/** The rows of the printed "Podsumowanie VAT" table and its "Razem" row, from pdftotext -layout. */
function printedSummary(pdf: Uint8Array): { rows: Row[]; total: Omit<Row, 'rate'>; due: number | null } {
  const lines = pdfToText(pdf, true).split('\n');
  const start = lines.findIndex((l) => l.includes('Podsumowanie VAT'));
  expect(start, 'a VAT summary').toBeGreaterThan(-1);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 1)) {
    const cells = line.trim().split(/\s{2,}/);
    if (/^(-?\d+(,\d+)?%|zw|np|oo)$/.test(cells[0]!) && cells.length >= 4) {
      rows.push({ rate: cells[0]!, net: amount(cells[1]!), vat: amount(cells[2]!), gross: amount(cells[3]!) });
    } else if (cells[0] === 'Razem' && cells.length >= 4) {
      const dueLine = lines.find((l) => /Razem do zapłaty:|Wartość korekty:/.test(l));
      const due = dueLine ? amount(/:\s*(-?[\d ]+,\d\d)/.exec(dueLine)![1]!) : null;
      return { rows, total: { net: amount(cells[1]!), vat: amount(cells[2]!), gross: amount(cells[3]!) }, due };
    }
  }
  throw new Error('no "Razem" row in the VAT summary');
}

function sum(rows: readonly Row[]) {
  return rows.reduce((t, r) => ({ net: t.net + r.net, vat: t.vat + r.vat, gross: t.gross + r.gross }), { net: 0, vat: 0, gross: 0 });
}

/** The printed summary is the statutory one, and its gross total the document's. */
function checkSummary(pdf: Uint8Array, doc: { number: string; items: readonly Line[]; totalGross: number }) {
  const printed = printedSummary(pdf);
  const expected = statutory(doc.items);
  expect(printed.rows, doc.number).toEqual(expected);
  expect(printed.total, doc.number).toEqual(sum(expected));
  expect(printed.total.gross, doc.number).toBe(cents(doc.totalGross));
  return { printed, expected };
}

async function checkInvoice(invoice: Invoice): Promise<void> {
  const { printed, expected } = checkSummary(await renderInvoicePdf(invoice, options), invoice);
  // The grand totals are the record's: gross to the grosz (above), the unrounded net within half a grosz per taxed rate.
  const taxedRates = expected.filter((r) => r.vat !== 0 || /^[1-9]/.test(r.rate)).length;
  expect(Math.abs(printed.total.net - invoice.totalNet * 100), invoice.number).toBeLessThanOrEqual(0.5 * Math.max(1, taxedRates) + 1e-6);
  expect(printed.due, invoice.number).toBe(cents(invoice.totalGross));
}

async function checkReceipt(r: Receipt): Promise<void> {
  checkSummary(await renderReceiptPdf(r, options), r);
}

describe.skipIf(skipImageTests)('VAT arithmetic of every rendered document, to the grosz', () => {
  it("the demo shop's invoices (gross-priced, in PLN, EUR and CZK, with 23/8/5/0% and zw lines, a correction)", async () => {
    const invoices = await demoInvoices();
    expect(invoices.length).toBeGreaterThanOrEqual(19);
    for (const invoice of invoices) await checkInvoice(invoice);
  });

  it("the demo shop's receipts", async () => {
    const receipts = await demoReceipts();
    expect(receipts).toHaveLength(10);
    for (const r of receipts) await checkReceipt(r);
  });

  it('the fixtures, one of them priced net', async () => {
    for (const invoice of [plnInvoice, correctingInvoice, eurInvoice, longInvoice, netPricedInvoice]) await checkInvoice(invoice);
    await checkReceipt(receipt);
    expect(pricedNet(netPricedInvoice.items)).toBe(true);
  });

  it('the invoices BaseLinker really sent: 47,31 on 1/3/2016/shop, 83,33 on 2/9/2021', async () => {
    for (const raw of REAL_INVOICE_RECORDS) await checkInvoice(parseInvoice(raw));
    const printed = printedSummary(await renderInvoicePdf(parseInvoice(REAL_INVOICE_RECORDS[2]), options));
    expect(printed.rows).toEqual([{ rate: '23%', net: 20569, vat: 4731, gross: 25300 }]);
  });

  it('this check catches the old method: gross minus the sum of rounded line nets is a grosz off on 1/3/2016/shop', () => {
    const invoice = parseInvoice(REAL_INVOICE_RECORDS[2]);
    const oldNet = invoice.items.reduce((s, i) => s + cents(i.priceNet * i.quantity), 0);
    expect(cents(invoice.totalGross) - oldNet).toBe(4730);
    expect(statutory(invoice.items)[0]!.vat).toBe(4731);
  });
});
