// The "Podsumowanie VAT" table of invoices and receipts: one row per rate, then the total, right-aligned.
import type { VatSummaryRow } from './amounts.js';
import type { Flow, TextStyle } from './flow.js';
import { formatCents, type Language } from './format.js';
import type { Labels } from './labels.js';
import { drawTable, type Column, type Row } from './table.js';
import { formatTaxRate } from './taxRate.js';

export interface VatSummaryTable {
  rows: readonly VatSummaryRow[];
  total: VatSummaryRow;
  /** Adds the VAT-in-PLN column of a foreign-currency invoice. */
  withPln: boolean;
  language: Language;
  labels: Labels;
  size: number;
}

export function drawVatSummary(flow: Flow, t: VatSummaryTable): void {
  const c = t.labels.columns;
  const columns: Column[] = [
    { header: c.vatRate, width: 52, align: 'center', numeric: true },
    { header: c.net, width: 72, align: 'right', numeric: true },
    { header: c.vat, width: 66, align: 'right', numeric: true },
    { header: c.gross, width: 72, align: 'right', numeric: true },
  ];
  if (t.withPln) columns.push({ header: t.labels.vatInPln, width: 66, align: 'right', numeric: true });
  const width = columns.reduce((s, col) => s + col.width, 0);
  const money = (cents: number | null) => (cents === null ? '' : formatCents(cents, t.language));
  const body: Row[] = t.rows.map((r) => {
    const row = [formatTaxRate(r.rate, t.language), money(r.netCents), money(r.vatCents), money(r.grossCents)];
    return t.withPln ? [...row, money(r.vatPlnCents)] : row;
  });
  const total = t.total;
  const totalRow = [t.labels.total, money(total.netCents), money(total.vatCents), money(total.grossCents)];
  body.push((t.withPln ? [...totalRow, money(total.vatPlnCents)] : totalRow).map((text) => ({ text, bold: true })));

  const title: TextStyle = { face: flow.fonts.bold, size: 9 };
  flow.ensure(title.size * 1.6 + 40); // keep the heading with the first rows
  flow.paragraph([t.labels.vatSummary], flow.right - width, title);
  flow.y -= 2;
  drawTable(flow, columns, body, { x: flow.right - width, size: t.size });
}
