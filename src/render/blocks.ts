// Text blocks above and below the tables: titles, "label: value" fields, seller/buyer addresses. A block is a
// list of lines laid out in advance, so blocks can be placed side by side and still never overflow a page.
import { BASELINE, LINE_HEIGHT, type Align, type Flow, type TextStyle } from './flow.js';
import { cleanBlock, cleanLine, wrapBlock, wrapLine } from './text.js';

export interface Segment {
  text: string;
  style: TextStyle;
  /** Offset from the block's x. */
  dx: number;
  align?: Align;
  /** Box width for right/center alignment. */
  width?: number;
}

/** One visual line: usually one segment, two for a label and its value. */
export type BlockLine = Segment[];

export interface Block {
  x: number;
  lines: BlockLine[];
}

function lineHeight(line: BlockLine): number {
  return line.reduce((max, s) => Math.max(max, s.style.size), 0) * LINE_HEIGHT;
}

function blockHeight(block: Block): number {
  return block.lines.reduce((sum, line) => sum + lineHeight(line), 0);
}

/** Wrapped text (may contain line breaks) as block lines. */
export function textLines(text: string, style: TextStyle, width: number, align: Align = 'left'): BlockLine[] {
  return wrapBlock(cleanBlock(text, style.face), style.face, style.size, width).map((line) => [
    { text: line, style, dx: 0, align, width },
  ]);
}

/** An empty line of the given size, as spacing between parts of a block. */
export function gap(style: TextStyle): BlockLine {
  return [{ text: '', style, dx: 0 }];
}

/** "Label   value" rows; the value wraps in its own column, so long payment names stay aligned. */
export function fieldLines(
  fields: ReadonlyArray<readonly [string, string]>,
  labelStyle: TextStyle,
  valueStyle: TextStyle,
  width: number,
): BlockLine[] {
  const labelWidth = Math.min(
    width * 0.5,
    fields.reduce((max, [label]) => Math.max(max, labelStyle.face.width(cleanLine(`${label}:`, labelStyle.face), labelStyle.size)), 0) + 8,
  );
  const valueWidth = width - labelWidth;
  const lines: BlockLine[] = [];
  for (const [label, value] of fields) {
    const labelParts = wrapLine(cleanLine(`${label}:`, labelStyle.face), labelStyle.face, labelStyle.size, labelWidth - 4);
    const valueParts = wrapLine(cleanLine(value, valueStyle.face), valueStyle.face, valueStyle.size, valueWidth);
    for (let i = 0; i < Math.max(labelParts.length, valueParts.length); i++) {
      const line: BlockLine = [];
      if (labelParts[i]) line.push({ text: labelParts[i]!, style: labelStyle, dx: 0 });
      if (valueParts[i]) line.push({ text: valueParts[i]!, style: valueStyle, dx: labelWidth });
      lines.push(line.length > 0 ? line : gap(valueStyle));
    }
  }
  return lines;
}

/** Draws blocks beside each other from the cursor; stacks them with page breaks if they are too tall. */
export function drawBlocks(flow: Flow, blocks: readonly Block[]): void {
  const tallest = blocks.reduce((max, b) => Math.max(max, blockHeight(b)), 0);
  if (tallest <= flow.available) {
    const top = flow.y;
    for (const block of blocks) {
      let y = top;
      for (const line of block.lines) {
        drawLine(flow, block.x, y, line);
        y -= lineHeight(line);
      }
    }
    flow.y = top - tallest;
    return;
  }
  for (const block of blocks) {
    for (const line of block.lines) {
      const h = lineHeight(line);
      flow.ensure(h);
      drawLine(flow, block.x, flow.y, line);
      flow.y -= h;
    }
  }
}

function drawLine(flow: Flow, x: number, top: number, line: BlockLine): void {
  const h = lineHeight(line) / LINE_HEIGHT;
  for (const s of line) {
    // Smaller segments share the line's baseline with the larger ones.
    const baselineShift = (h - s.style.size) * BASELINE;
    flow.text(s.text, x + s.dx, top - baselineShift, s.style, s.align ?? 'left', s.width ?? 0);
  }
}
