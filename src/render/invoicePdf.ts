// Invoice PDF (A4): what an accountant expects on a Polish VAT invoice, drawn from BaseLinker's invoice data. The
// backup stores BaseLinker's own PDF where it has one; this rendering is the copy for when it has none, and it
// reproduces the official document as closely as the data allows (art. 106e and, for corrections, 106j of the VAT
// act): amounts the statutory way (amounts.ts), the unit of measure, the seller's NIP, the KSeF number, the
// corrected invoice's number and date, and the legal basis of an exemption.
import type { Buyer, Invoice } from '../domain/documents.js';
import { invoiceTotals, lineAmounts, unitPrice, type PricingBasis } from './amounts.js';
import { drawBlocks, fieldLines, gap, textLines, type BlockLine } from './blocks.js';
import { renderDocument } from './document.js';
import { dejaVuFonts, type FontProvider } from './fonts.js';
import type { Flow, TextStyle } from './flow.js';
import { formatCents, formatDay, formatMoney, formatQuantity, formatRate, type Language } from './format.js';
import { labelsFor, type Labels } from './labels.js';
import { exemptionBasis, hasExemptLines } from './exemptionBasis.js';
import { drawVatSummary } from './vatSummaryTable.js';
import { sellerBlock } from './sellerVatId.js';
import { drawTable, type Column, type Row } from './table.js';
import { formatTaxRate, taxRateLegend } from './taxRate.js';

/** What a correcting invoice must say of the invoice it corrects (art. 106j ust. 2), as far as it is known. */
export interface CorrectedInvoice {
  number: string;
  /** Unix seconds, or null when unknown. */
  issuedAt: number | null;
  /** '' when it has none or it is unknown. */
  ksefNumber: string;
}

export interface InvoicePdfOptions {
  language: Language;
  timeZone: string;
  /** The invoice a correcting invoice corrects, when known. */
  corrected?: CorrectedInvoice;
  /** The account's NIP, printed when BaseLinker's seller text has none. */
  sellerNip?: string;
  /** The basis of exemption printed for "zw" lines when the invoice's additional info cites none. */
  exemptionBasis?: string;
}

const TABLE_SIZE = 7.5;
const BODY_SIZE = 8.5;
const TITLE_SIZE = 15;
/** Gap between the left (title) and right (dates) top blocks, and between seller and buyer. */
const GUTTER = 20;

/**
 * Renders an invoice. `fonts` is for benchmarks and tests only; documents always use the default.
 */
export function renderInvoicePdf(
  invoice: Invoice,
  options: InvoicePdfOptions,
  fonts: FontProvider = dejaVuFonts,
): Promise<Uint8Array> {
  const labels = labelsFor(options.language);
  const heading = `${invoiceTitle(invoice, labels)} ${labels.numberPrefix} ${invoice.number}`;
  return renderDocument(
    {
      title: heading,
      subject: `${heading} (${labels.orderId} ${invoice.orderId})`,
      author: invoice.seller.split('\n')[0]?.trim() ?? '',
      language: options.language,
      createdAt: invoice.issuedAt,
      fingerprint: { invoice, options },
      footerLabel: heading,
      pageText: labels.page,
    },
    fonts,
    (flow) => drawInvoice(flow, invoice, options, labels, heading),
  );
}

function invoiceTitle(invoice: Invoice, labels: Labels): string {
  return invoice.type === 'correcting' ? labels.correctingTitle : labels.invoiceTitle;
}

function drawInvoice(flow: Flow, invoice: Invoice, options: InvoicePdfOptions, labels: Labels, heading: string): void {
  const { language } = options;
  const body: TextStyle = { face: flow.fonts.regular, size: BODY_SIZE };
  const bold: TextStyle = { face: flow.fonts.bold, size: BODY_SIZE };
  const muted: TextStyle = { ...body, gray: 0.35 };
  const half = (flow.width - GUTTER) / 2;
  const totals = invoiceTotals(invoice);

  // Title (with what a correction corrects) on the left, dates and payment on the right.
  const left: BlockLine[] = textLines(heading, { face: flow.fonts.bold, size: TITLE_SIZE }, half);
  // The QR code of KSeF's official copy is computed from the structured invoice, which the API does not give.
  if (invoice.government?.id) left.push(gap(body), ...textLines(`${labels.ksefNumber}: ${invoice.government.id}`, body, half));
  if (invoice.type === 'correcting' && invoice.correcting) {
    left.push(gap(body));
    const corrected = options.corrected;
    const correctedText = corrected?.number.trim()
      ? `${labels.correctsInvoice} ${corrected.number.trim()}` +
        (corrected.issuedAt !== null ? ` ${labels.ofDate} ${formatDay(corrected.issuedAt, options.timeZone)}` : '')
      : labels.correctsInvoiceId(invoice.correcting.invoiceId);
    left.push(...textLines(correctedText, bold, half));
    if (corrected?.ksefNumber.trim()) left.push(...textLines(`${labels.correctedKsefNumber}: ${corrected.ksefNumber.trim()}`, body, half));
    if (invoice.correcting.reason.trim() !== '') {
      left.push(...textLines(`${labels.correctionReason}: ${invoice.correcting.reason}`, body, half));
    }
  }
  const fields: Array<[string, string]> = [
    [labels.issueDate, formatDay(invoice.issuedAt, options.timeZone)],
    [labels.saleDate, formatDay(invoice.soldAt, options.timeZone)],
  ];
  if (invoice.payTo !== null) fields.push([labels.dueDate, formatDay(invoice.payTo, options.timeZone)]);
  if (invoice.paymentMethod.trim() !== '') fields.push([labels.paymentMethod, invoice.paymentMethod]);
  if (invoice.orderId > 0) fields.push([labels.orderId, String(invoice.orderId)]);
  drawBlocks(flow, [
    { x: flow.left, lines: left },
    { x: flow.left + half + GUTTER, lines: fieldLines(fields, muted, bold, half) },
  ]);
  flow.y -= 14;

  // Seller and buyer side by side.
  const party = (title: string, text: string): BlockLine[] => [
    ...textLines(title, { face: flow.fonts.bold, size: 9.5 }, half),
    gap({ ...body, size: 3 }),
    ...textLines(text.trim() === '' ? '—' : text, body, half),
  ];
  drawBlocks(flow, [
    { x: flow.left, lines: party(labels.seller, sellerBlock(invoice.seller, options.sellerNip, labels.vatId)) },
    { x: flow.left + half + GUTTER, lines: party(labels.buyer, buyerText(invoice.buyer, labels)) },
  ]);
  flow.y -= 14;

  drawItems(flow, invoice, totals.basis, language, labels);
  flow.y -= 12;

  const withPln = totals.total.vatPlnCents !== null;
  drawVatSummary(flow, { rows: totals.rows, total: totals.total, withPln, language, labels, size: TABLE_SIZE });
  const legend = taxRateLegend(totals.rows.map((r) => r.rate), language);
  if (hasExemptLines(invoice)) {
    const basis = exemptionBasis(invoice, options.exemptionBasis);
    if (basis) legend.push(`${labels.exemptionBasis}: ${basis}`);
  }
  if (legend.length > 0) {
    flow.y -= 4;
    flow.paragraph(legend, flow.left, { ...muted, size: 7.5 });
  }
  flow.y -= 8;

  // The amount due is the invoice's own total, the figure BaseLinker and the buyer's books hold.
  const totalLabel = invoice.type === 'correcting' ? labels.correctionTotal : labels.totalDue;
  const totalStyle: TextStyle = { face: flow.fonts.bold, size: 11 };
  const totalLines = textLines(
    `${totalLabel}: ${formatMoney(invoice.totalGross, language)} ${invoice.currency}`,
    totalStyle,
    flow.width,
    'right',
  );
  if (totals.total.vatPlnCents !== null) {
    totalLines.push(...textLines(`${labels.vatInPln}: ${formatCents(totals.total.vatPlnCents, language)} PLN`, bold, flow.width, 'right'));
  }
  drawBlocks(flow, [{ x: flow.left, lines: totalLines }]);

  const trailer: BlockLine[] = [];
  const exchange = exchangeText(invoice, language, labels);
  if (exchange) trailer.push(gap(body), ...textLines(exchange, body, flow.width));
  if (invoice.additionalInfo.trim() !== '') {
    trailer.push(gap(body), ...textLines(`${labels.notes}:`, bold, flow.width));
    trailer.push(...textLines(invoice.additionalInfo, body, flow.width));
  }
  if (invoice.issuer.trim() !== '') trailer.push(gap(body), ...textLines(`${labels.issuer}: ${invoice.issuer}`, body, flow.width));
  drawBlocks(flow, [{ x: flow.left, lines: trailer }]);
}

function buyerText(buyer: Buyer, labels: Labels): string {
  const lines = [buyer.company, buyer.fullName !== buyer.company ? buyer.fullName : '', buyer.address];
  lines.push(`${buyer.postcode} ${buyer.city}`.trim());
  lines.push(buyer.country.trim() !== '' ? buyer.country : buyer.countryCode);
  if (buyer.vatId.trim() !== '') lines.push(`${labels.vatId}: ${buyer.vatId.trim()}`);
  return lines.filter((l) => l.trim() !== '').join('\n');
}

/**
 * The item table. Lines are worked out on the invoice's basis: priced gross, a line shows its unit gross price and
 * its exact gross value, with the net and VAT of that line alone beside it; the VAT summary, not the sum of these
 * lines, is what the tax is (they can differ by a grosz, as on any invoice computed per rate).
 */
function drawItems(flow: Flow, invoice: Invoice, basis: PricingBasis, language: Language, labels: Labels): void {
  const c = labels.columns;
  const fixed: Column[] = [
    { header: c.sku, width: 54 },
    { header: c.quantity, width: 28, align: 'right', numeric: true },
    { header: c.unit, width: 24, align: 'center' },
    { header: basis === 'gross' ? c.unitGross : c.unitNet, width: 50, align: 'right', numeric: true },
    { header: c.vatRate, width: 38, align: 'center', numeric: true },
    { header: c.net, width: 54, align: 'right', numeric: true },
    { header: c.vat, width: 46, align: 'right', numeric: true },
    { header: c.gross, width: 54, align: 'right', numeric: true },
  ];
  const noWidth = 22;
  const nameWidth = flow.width - noWidth - fixed.reduce((s, col) => s + col.width, 0);
  const columns: Column[] = [
    { header: c.no, width: noWidth, align: 'right', numeric: true },
    { header: c.name, width: nameWidth },
    ...fixed,
  ];
  const rows: Row[] = invoice.items.map((item, i) => {
    const line = lineAmounts(item, basis);
    return [
      String(i + 1),
      item.name,
      item.sku,
      formatQuantity(item.quantity, language),
      item.unit || labels.defaultUnit,
      formatMoney(unitPrice(item, basis), language),
      formatTaxRate(item.taxRate, language),
      formatCents(line.netCents, language),
      formatCents(line.vatCents, language),
      formatCents(line.grossCents, language),
    ];
  });
  drawTable(flow, columns, rows, { x: flow.left, size: TABLE_SIZE });
}

/** "Kurs waluty: 1 EUR = 4,3012 PLN z dnia 2026-11-09 (Tabela nr 218/A/NBP/2026)", or null without a rate. */
function exchangeText(invoice: Invoice, language: Language, labels: Labels): string | null {
  const ex = invoice.exchange;
  if (!ex || !(ex.rate > 0)) return null;
  const from = invoice.currency.toUpperCase();
  const to = ex.currency.trim() !== '' && ex.currency.toUpperCase() !== from ? ex.currency.toUpperCase() : 'PLN';
  const rate = formatRate(ex.rate, language);
  let text = from === to ? `${labels.exchangeRate}: ${rate}` : `${labels.exchangeRate}: 1 ${from} = ${rate} ${to}`;
  if (ex.date.trim() !== '') text += ` ${labels.exchangeDate} ${ex.date.trim()}`;
  if (ex.info.trim() !== '') text += ` (${ex.info.trim()})`;
  return text;
}
