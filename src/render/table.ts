// A bordered table that flows over pages: text cells wrap inside their column, amounts shrink to fit, the
// header is repeated on every page the table reaches, and a row taller than a whole page is split between
// lines rather than drawn off the page.
import type { FontFace } from './fonts.js';
import { BASELINE, LINE_HEIGHT, type Align, type Flow } from './flow.js';
import { cleanLine, fitSize, wrapLine } from './text.js';

export interface Column {
  header: string;
  width: number;
  align?: Align;
  /** Numbers are never wrapped (a split amount reads as two); they are shrunk to fit instead. */
  numeric?: boolean;
}

export interface Cell {
  text: string;
  bold?: boolean;
}

export type Row = ReadonlyArray<string | Cell>;

export interface TableOptions {
  x: number;
  size: number;
  /** Shade behind the header, 0 black … 1 white. */
  headerGray?: number;
}

const PAD_X = 3;
const PAD_Y = 2;
const MIN_NUMERIC_SIZE = 5;
const BORDER_GRAY = 0.55;

interface LaidOutCell {
  lines: string[];
  face: FontFace;
  size: number;
  align: Align;
}

export function drawTable(flow: Flow, columns: readonly Column[], rows: readonly Row[], options: TableOptions): void {
  const lh = options.size * LINE_HEIGHT;
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  // Headers wrap even over numeric columns: "Wartość brutto" on two lines reads fine, shrunk it would not.
  const header = layoutRow(
    flow,
    columns.map((c) => ({ ...c, numeric: false })),
    columns.map((c) => ({ text: c.header, bold: true })),
    options.size,
  );
  const headerHeight = rowHeight(header, lh);

  const drawHeader = () => {
    flow.fillRect(options.x, flow.y, width, headerHeight, options.headerGray ?? 0.9);
    drawSegment(flow, columns, header, 0, maxLines(header), options.x, lh);
  };

  const laidOut = rows.map((row) => layoutRow(flow, columns, row, options.size));
  // Keep the header together with at least the first line of the first row.
  flow.ensure(headerHeight + (laidOut.length > 0 ? lh + 2 * PAD_Y : 0));
  drawHeader();

  flow.withNewPageHook(drawHeader, () => {
    const capacityOnFreshPage = flow.top - headerHeight - flow.bottom;
    for (const cells of laidOut) {
      const total = maxLines(cells);
      const height = rowHeight(cells, lh);
      // Move a row that does not fit to the next page whole, unless it could not fit on any page.
      if (height > flow.available && height <= capacityOnFreshPage) flow.newPage();
      let from = 0;
      while (from < total) {
        let fitting = Math.floor((flow.available - 2 * PAD_Y) / lh);
        if (fitting < 1) {
          flow.newPage();
          fitting = Math.max(1, Math.floor((flow.available - 2 * PAD_Y) / lh));
        }
        const to = Math.min(total, from + fitting);
        drawSegment(flow, columns, cells, from, to, options.x, lh);
        from = to;
        if (from < total) flow.newPage();
      }
    }
  });
}

function layoutRow(flow: Flow, columns: readonly Column[], row: Row, size: number): LaidOutCell[] {
  return columns.map((column, i) => {
    const raw = row[i] ?? '';
    const cell = typeof raw === 'string' ? { text: raw } : raw;
    const face = cell.bold ? flow.fonts.bold : flow.fonts.regular;
    const text = cleanLine(cell.text, face).trim();
    const inner = column.width - 2 * PAD_X;
    const align = column.align ?? 'left';
    if (column.numeric) {
      const fitted = fitSize(text, face, size, MIN_NUMERIC_SIZE, inner);
      // At the minimum size a number still too wide (absurd amounts) wraps rather than overflowing.
      const lines = face.width(text, fitted) <= inner ? [text] : wrapLine(text, face, fitted, inner);
      return { lines, face, size: fitted, align };
    }
    return { lines: wrapLine(text, face, size, inner), face, size, align };
  });
}

function maxLines(cells: readonly LaidOutCell[]): number {
  return cells.reduce((max, c) => Math.max(max, c.lines.length), 1);
}

function rowHeight(cells: readonly LaidOutCell[], lh: number): number {
  return maxLines(cells) * lh + 2 * PAD_Y;
}

/** Draws lines [from, to) of a row at the flow's cursor with its borders, and moves the cursor below it. */
function drawSegment(
  flow: Flow,
  columns: readonly Column[],
  cells: readonly LaidOutCell[],
  from: number,
  to: number,
  x: number,
  lh: number,
): void {
  const top = flow.y;
  const height = (to - from) * lh + 2 * PAD_Y;
  let left = x;
  cells.forEach((cell, i) => {
    const column = columns[i]!;
    for (let line = from; line < Math.min(to, cell.lines.length); line++) {
      // Shrunk numbers sit on the same baseline as their neighbours.
      const lineTop = top - PAD_Y - (line - from) * lh + (cell.size - lh / LINE_HEIGHT) * BASELINE;
      flow.text(cell.lines[line]!, left + PAD_X, lineTop, { face: cell.face, size: cell.size }, cell.align, column.width - 2 * PAD_X);
    }
    left += column.width;
  });
  const bottom = top - height;
  const right = left;
  flow.line(x, top, right, top, 0.5, BORDER_GRAY);
  flow.line(x, bottom, right, bottom, 0.5, BORDER_GRAY);
  let edge = x;
  flow.line(edge, top, edge, bottom, 0.5, BORDER_GRAY);
  for (const column of columns) {
    edge += column.width;
    flow.line(edge, top, edge, bottom, 0.5, BORDER_GRAY);
  }
  flow.y = bottom;
}
