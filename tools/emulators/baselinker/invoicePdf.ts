// A real, small PDF for getInvoiceFile, so clients exercise genuine bytes (the %PDF magic, base64 of binary).
// Deterministic: the same invoice always gives the same bytes (fixed dates, no generated ids), so tests can
// compare files across runs and a changed invoice gives a changed file. Once KSeF accepted an invoice, its official
// copy carries the KSeF number under a QR code, as BaseLinker's does; the emulator draws a square pattern derived
// from the number in its place (KSeF's real code encodes a hash of the structured invoice, which this has not).

import { createHash } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import type { WireInvoice } from './shop.js';

const FONT_SIZE = 9;
const LINE = 12;
const MARGIN = 40;

/**
 * Files already drawn, by what they were drawn from. Drawing is deterministic, so a repeated request gets the same
 * bytes either way; the cache only keeps the emulator from spending the benchmark's CPU drawing a large account's
 * 5 000 PDFs while the CLI it measures waits for them (the bench asks for each once before the measured run).
 */
const drawn = new Map<string, Promise<Uint8Array>>();
const DRAWN_KEPT = 20_000;

export function invoicePdf(invoice: WireInvoice, opts: { external: boolean; ksefNumber: string }): Promise<Uint8Array> {
  const key = createHash('sha256').update(JSON.stringify([invoice, opts])).digest('base64');
  let pdf = drawn.get(key);
  if (!pdf) {
    pdf = drawInvoicePdf(invoice, opts);
    drawn.set(key, pdf);
    // A drawing that failed is not kept: the next request draws again.
    pdf.catch(() => drawn.delete(key));
    if (drawn.size > DRAWN_KEPT) drawn.delete(drawn.keys().next().value!);
  }
  return pdf;
}

async function drawInvoicePdf(invoice: WireInvoice, opts: { external: boolean; ksefNumber: string }): Promise<Uint8Array> {
  // updateMetadata: false keeps pdf-lib from stamping the current time into the file.
  const doc = await PDFDocument.create({ updateMetadata: false });
  const issued = new Date(invoice.date_add * 1000);
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);
  doc.setProducer('BaseLinker emulator');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  const writer = lineWriter(page, font);

  const title = invoice.type === 'correcting' ? 'Faktura korygujaca' : 'Faktura VAT';
  const number = opts.external ? invoice.external_invoice_number : invoice.number;
  writer(`${title} ${number}`, 14);
  if (opts.external) writer('Dokument z zewnetrznego systemu ksiegowego');
  writer(`Data wystawienia: ${day(invoice.date_add)}   Data sprzedazy: ${day(invoice.date_sell)}`);
  if (invoice.date_pay_to) writer(`Termin platnosci: ${day(invoice.date_pay_to)}`);
  writer(`Platnosc: ${invoice.payment}   Waluta: ${invoice.currency}`);
  writer('');
  writer('Sprzedawca:');
  for (const line of invoice.seller.split('\n')) writer(`  ${line}`);
  writer('Nabywca:');
  for (const line of buyerLines(invoice)) writer(`  ${line}`);
  writer('');
  for (const item of invoice.items) {
    writer(`${item.quantity} x ${item.name}  netto ${item.price_netto}  brutto ${item.price_brutto}  VAT ${rate(item.tax_rate)}`);
  }
  writer('');
  writer(`Razem netto: ${invoice.total_price_netto} ${invoice.currency}`);
  writer(`Razem brutto: ${invoice.total_price_brutto} ${invoice.currency}`);
  if (invoice.exchange_info) writer(invoice.exchange_info);
  if (invoice.correcting_reason) writer(`Przyczyna korekty: ${invoice.correcting_reason}`);
  if (invoice.additional_info) writer(invoice.additional_info);
  writer(`Wystawil(a): ${invoice.issuer}`);
  if (opts.ksefNumber) drawKsefCode(page, font, opts.ksefNumber);
  return doc.save({ useObjectStreams: false });
}

/** A 21×21 pattern (a QR code's size) from a hash of the number, with the number printed under it. */
function drawKsefCode(page: PDFPage, font: PDFFont, ksefNumber: string): void {
  const cell = 3;
  const [x0, y0] = [page.getWidth() - MARGIN - 21 * cell, MARGIN + 20];
  const bits = createHash('sha256').update(ksefNumber).digest();
  for (let i = 0; i < 21 * 21; i++) {
    if ((bits[i % bits.length]! >> (i % 8)) & 1) {
      page.drawRectangle({ x: x0 + (i % 21) * cell, y: y0 + Math.floor(i / 21) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
  page.drawText(`KSeF: ${ksefNumber}`, { x: MARGIN, y: MARGIN + 8, size: FONT_SIZE, font });
}

/** An external accounting system's e-invoice as XML (the shape of Poland's FA schema, much abridged). */
export function externalInvoiceXml(invoice: WireInvoice): Uint8Array {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const lines = invoice.items
    .map((item, k) => `    <FaWiersz><NrWierszaFa>${k + 1}</NrWierszaFa><P_7>${esc(item.name)}</P_7><P_8B>${item.quantity}</P_8B><P_9B>${item.price_brutto}</P_9B></FaWiersz>`)
    .join('\n');
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">',
    '  <Fa>',
    `    <KodWaluty>${esc(invoice.currency)}</KodWaluty>`,
    `    <P_1>${day(invoice.date_add)}</P_1>`,
    `    <P_2>${esc(invoice.external_invoice_number)}</P_2>`,
    `    <P_15>${invoice.total_price_brutto}</P_15>`,
    lines,
    '  </Fa>',
    '</Faktura>',
    '',
  ].join('\n');
  return new Uint8Array(Buffer.from(xml, 'utf8'));
}

function lineWriter(page: PDFPage, font: PDFFont): (text: string, size?: number) => void {
  let y = page.getHeight() - MARGIN;
  const charset = new Set(font.getCharacterSet());
  return (text, size = FONT_SIZE) => {
    if (text) page.drawText(encodable(text, charset), { x: MARGIN, y, size, font });
    y -= size > FONT_SIZE ? size + 6 : LINE;
  };
}

/** The standard fonts only cover WinAnsi: keep what they can draw, fold the rest (ł, ř, ů…) to plain letters. */
function encodable(text: string, charset: Set<number>): string {
  const folded: Record<string, string> = { ł: 'l', Ł: 'L', đ: 'd', Đ: 'D' };
  return [...text]
    .map((ch) => {
      if (charset.has(ch.codePointAt(0) ?? 0)) return ch;
      const base = folded[ch] ?? ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      return [...base].every((c) => charset.has(c.codePointAt(0) ?? 0)) ? base : '?';
    })
    .join('');
}

function buyerLines(i: WireInvoice): string[] {
  return [
    i.invoice_company,
    i.invoice_fullname,
    i.invoice_address,
    `${i.invoice_postcode} ${i.invoice_city}`,
    i.invoice_country,
    i.invoice_nip ? `NIP: ${i.invoice_nip}` : '',
  ].filter((line) => line.trim() !== '');
}

function rate(taxRate: number): string {
  if (taxRate === -1) return 'zw';
  if (taxRate === -0.02) return 'np';
  if (taxRate === -0.03) return 'oo';
  return `${taxRate}%`;
}

/** Dates as a Polish account's documents show them: Warsaw calendar days, whatever the host's zone. */
function day(unixSeconds: number): string {
  return format(new TZDate(unixSeconds * 1000, 'Europe/Warsaw'), 'yyyy-MM-dd');
}
