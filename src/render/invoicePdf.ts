// Invoice PDF (A4): what an accountant expects on a Polish VAT invoice, drawn from BaseLinker's invoice data.
import type { Buyer, Invoice } from '../domain/documents.js';
import { lineAmounts, plnRate, summaryTotal, vatSummary, type VatSummaryRow } from './amounts.js';
import { drawBlocks, fieldLines, gap, textLines, type BlockLine } from './blocks.js';
import { renderDocument } from './document.js';
import { dejaVuFonts, type FontProvider } from './fonts.js';
import type { Flow, TextStyle } from './flow.js';
import { formatCents, formatDay, formatMoney, formatQuantity, formatRate, type Language } from './format.js';
import { labelsFor, type Labels } from './labels.js';
import { drawTable, type Column, type Row } from './table.js';
import { formatTaxRate, taxRateLegend } from './taxRate.js';

export interface InvoicePdfOptions {
  language: Language;
  timeZone: string;
  /** Number of the invoice a correcting invoice corrects, when known. */
  correctedNumber?: string;
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
  const toPln = plnRate(invoice);

  // Title (with what a correction corrects) on the left, dates and payment on the right.
  const left: BlockLine[] = textLines(heading, { face: flow.fonts.bold, size: TITLE_SIZE }, half);
  if (invoice.type === 'correcting' && invoice.correcting) {
    left.push(gap(body));
    const corrected = options.correctedNumber?.trim()
      ? `${labels.correctsInvoice} ${options.correctedNumber.trim()}`
      : labels.correctsInvoiceId(invoice.correcting.invoiceId);
    left.push(...textLines(corrected, bold, half));
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
    { x: flow.left, lines: party(labels.seller, invoice.seller) },
    { x: flow.left + half + GUTTER, lines: party(labels.buyer, buyerText(invoice.buyer, labels)) },
  ]);
  flow.y -= 14;

  drawItems(flow, invoice, language, labels);
  flow.y -= 12;

  const summary = vatSummary(invoice.items, toPln);
  drawVatSummary(flow, summary, toPln !== null, language, labels);
  const legend = taxRateLegend(summary.map((r) => r.rate), language);
  if (legend.length > 0) {
    flow.y -= 4;
    flow.paragraph(legend, flow.left, { ...muted, size: 7.5 });
  }
  flow.y -= 8;

  // The amount due is the invoice's own total, the figure BaseLinker and the buyer's books hold.
  const totalLabel = invoice.type === 'correcting' ? labels.correctionTotal : labels.totalDue;
  const totalStyle: TextStyle = { face: flow.fonts.bold, size: 11 };
  const totals = textLines(
    `${totalLabel}: ${formatMoney(invoice.totalGross, language)} ${invoice.currency}`,
    totalStyle,
    flow.width,
    'right',
  );
  const totalVat = summaryTotal(summary);
  if (totalVat.vatPlnCents !== null) {
    totals.push(...textLines(`${labels.vatInPln}: ${formatCents(totalVat.vatPlnCents, language)} PLN`, bold, flow.width, 'right'));
  }
  drawBlocks(flow, [{ x: flow.left, lines: totals }]);

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

function drawItems(flow: Flow, invoice: Invoice, language: Language, labels: Labels): void {
  const c = labels.columns;
  const fixed: Column[] = [
    { header: c.sku, width: 58 },
    { header: c.quantity, width: 32, align: 'right', numeric: true },
    { header: c.unitNet, width: 52, align: 'right', numeric: true },
    { header: c.vatRate, width: 38, align: 'center', numeric: true },
    { header: c.net, width: 58, align: 'right', numeric: true },
    { header: c.vat, width: 50, align: 'right', numeric: true },
    { header: c.gross, width: 58, align: 'right', numeric: true },
  ];
  const noWidth = 22;
  const nameWidth = flow.width - noWidth - fixed.reduce((s, col) => s + col.width, 0);
  const columns: Column[] = [
    { header: c.no, width: noWidth, align: 'right', numeric: true },
    { header: c.name, width: nameWidth },
    ...fixed,
  ];
  const rows: Row[] = invoice.items.map((item, i) => {
    const line = lineAmounts(item);
    return [
      String(i + 1),
      item.name,
      item.sku,
      formatQuantity(item.quantity, language),
      formatMoney(item.priceNet, language),
      formatTaxRate(item.taxRate, language),
      formatCents(line.netCents, language),
      formatCents(line.vatCents, language),
      formatCents(line.grossCents, language),
    ];
  });
  drawTable(flow, columns, rows, { x: flow.left, size: TABLE_SIZE });
}

function drawVatSummary(flow: Flow, rows: VatSummaryRow[], withPln: boolean, language: Language, labels: Labels): void {
  const c = labels.columns;
  const columns: Column[] = [
    { header: c.vatRate, width: 52, align: 'center', numeric: true },
    { header: c.net, width: 72, align: 'right', numeric: true },
    { header: c.vat, width: 66, align: 'right', numeric: true },
    { header: c.gross, width: 72, align: 'right', numeric: true },
  ];
  if (withPln) columns.push({ header: labels.vatInPln, width: 66, align: 'right', numeric: true });
  const width = columns.reduce((s, col) => s + col.width, 0);
  const money = (cents: number | null) => (cents === null ? '' : formatCents(cents, language));
  const body: Row[] = rows.map((r) => {
    const row = [formatTaxRate(r.rate, language), money(r.netCents), money(r.vatCents), money(r.grossCents)];
    return withPln ? [...row, money(r.vatPlnCents)] : row;
  });
  const total = summaryTotal(rows);
  const totalRow = [labels.total, money(total.netCents), money(total.vatCents), money(total.grossCents)];
  body.push((withPln ? [...totalRow, money(total.vatPlnCents)] : totalRow).map((text) => ({ text, bold: true })));

  const title: TextStyle = { face: flow.fonts.bold, size: 9 };
  flow.ensure(title.size * 1.6 + 40); // keep the heading with the first rows
  flow.paragraph([labels.vatSummary], flow.right - width, title);
  flow.y -= 2;
  drawTable(flow, columns, body, { x: flow.right - width, size: TABLE_SIZE });
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
