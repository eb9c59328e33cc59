// Receipt PDF (A4). BaseLinker has no API call that returns a receipt file, so this rendering is the only
// copy the backup can keep; it says plainly that it is not the fiscal printout. Its VAT per rate is computed from the
// per-rate gross sum, as a receipt's prices are gross (amounts.ts).
import type { Receipt } from '../domain/documents.js';
import { lineAmounts, summaryTotal, vatSummary } from './amounts.js';
import { drawBlocks, fieldLines, gap, textLines, type BlockLine } from './blocks.js';
import { renderDocument } from './document.js';
import { dejaVuFonts, type FontProvider } from './fonts.js';
import type { Flow, TextStyle } from './flow.js';
import { formatCents, formatDateTime, formatMoney, formatQuantity, type Language } from './format.js';
import { labelsFor, type Labels } from './labels.js';
import { drawTable, type Column, type Row } from './table.js';
import { formatNip } from './sellerVatId.js';
import { formatTaxRate, taxRateLegend } from './taxRate.js';
import { drawVatSummary } from './vatSummaryTable.js';

export interface ReceiptPdfOptions {
  language: Language;
  timeZone: string;
  /** The account's NIP: BaseLinker's receipt record names no seller. */
  sellerNip?: string;
}

const BODY_SIZE = 8.5;
const TABLE_SIZE = 7.5;

/** Renders a receipt. `fonts` is for benchmarks and tests only; documents always use the default. */
export function renderReceiptPdf(
  receipt: Receipt,
  options: ReceiptPdfOptions,
  fonts: FontProvider = dejaVuFonts,
): Promise<Uint8Array> {
  const labels = labelsFor(options.language);
  const heading = `${labels.receiptTitle} ${labels.numberPrefix} ${receipt.number}`;
  return renderDocument(
    {
      title: heading,
      subject: `${heading} (${labels.orderId} ${receipt.orderId})`,
      author: '',
      language: options.language,
      createdAt: receipt.issuedAt,
      fingerprint: { receipt, options },
      footerLabel: heading,
      pageText: labels.page,
    },
    fonts,
    (flow) => drawReceipt(flow, receipt, options, labels, heading),
  );
}

function drawReceipt(flow: Flow, receipt: Receipt, options: ReceiptPdfOptions, labels: Labels, heading: string): void {
  const { language } = options;
  const body: TextStyle = { face: flow.fonts.regular, size: BODY_SIZE };
  const bold: TextStyle = { face: flow.fonts.bold, size: BODY_SIZE };
  const muted: TextStyle = { ...body, gray: 0.35 };
  const half = (flow.width - 20) / 2;

  const left: BlockLine[] = [
    ...textLines(heading, { face: flow.fonts.bold, size: 15 }, half),
    gap({ ...body, size: 4 }),
    ...textLines(labels.receiptNonFiscal, { ...muted, size: 7.5 }, half),
  ];
  const fields: Array<[string, string]> = [[labels.date, formatDateTime(receipt.issuedAt, options.timeZone)]];
  if (receipt.orderId > 0) fields.push([labels.orderId, String(receipt.orderId)]);
  if (receipt.paymentMethod.trim() !== '') fields.push([labels.paymentMethod, receipt.paymentMethod]);
  if (options.sellerNip) fields.push([labels.sellerVatId, formatNip(options.sellerNip)]);
  if (receipt.vatId.trim() !== '') fields.push([labels.buyerVatId, receipt.vatId.trim()]);
  drawBlocks(flow, [
    { x: flow.left, lines: left },
    { x: flow.left + half + 20, lines: fieldLines(fields, muted, bold, half) },
  ]);
  flow.y -= 16;

  const c = labels.columns;
  const fixed: Column[] = [
    { header: c.sku, width: 70 },
    { header: c.quantity, width: 40, align: 'right', numeric: true },
    { header: c.unitGross, width: 62, align: 'right', numeric: true },
    { header: c.vatRate, width: 40, align: 'center', numeric: true },
    { header: c.gross, width: 70, align: 'right', numeric: true },
  ];
  const nameWidth = flow.width - 22 - fixed.reduce((s, col) => s + col.width, 0);
  const columns: Column[] = [
    { header: c.no, width: 22, align: 'right', numeric: true },
    { header: c.name, width: nameWidth },
    ...fixed,
  ];
  const rows: Row[] = receipt.items.map((item, i) => [
    String(i + 1),
    item.name,
    item.sku,
    formatQuantity(item.quantity, language),
    formatMoney(item.priceGross, language),
    formatTaxRate(item.taxRate, language),
    formatCents(lineAmounts(item, 'gross').grossCents, language),
  ]);
  drawTable(flow, columns, rows, { x: flow.left, size: TABLE_SIZE });
  flow.y -= 12;

  const summary = vatSummary(receipt.items, 'gross', null);
  drawVatSummary(flow, { rows: summary, total: summaryTotal(summary), withPln: false, language, labels, size: TABLE_SIZE });

  const legend = taxRateLegend(
    receipt.items.map((i) => i.taxRate),
    language,
  );
  if (legend.length > 0) {
    flow.y -= 4;
    flow.paragraph(legend, flow.left, { ...muted, size: 7.5 });
  }
  flow.y -= 10;
  // The receipt's own total as BaseLinker holds it; the currency is omitted when the source had none.
  const total = `${labels.receiptTotal}: ${formatMoney(receipt.totalGross, language)} ${receipt.currency}`.trim();
  drawBlocks(flow, [{ x: flow.left, lines: textLines(total, { face: flow.fonts.bold, size: 11 }, flow.width, 'right') }]);
}
