// A page's content stream, written directly as PDF operator text.
//
// Why not pdf-lib's drawing API: it builds an object per operator and per number and validates every option
// on every call, a large share of the render time; and page.drawText() registers a new font resource name per
// call. The documents need only a handful of operators (text, line, filled rectangle, grey levels, line
// width), written here with one fixed number format.

/** Two decimals (1/7200 inch) are plenty for positions and sizes; trailing zeros are dropped. */
function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

export class ContentStream {
  private readonly ops: string[] = [];

  /** One line of text; `encoded` is the font's string operand, e.g. "<00010002>". */
  text(fontName: string, size: number, gray: number, x: number, y: number, encoded: string): void {
    this.ops.push(`BT /${fontName} ${num(size)} Tf ${num(gray)} g 1 0 0 1 ${num(x)} ${num(y)} Tm ${encoded} Tj ET`);
  }

  line(x1: number, y1: number, x2: number, y2: number, width: number, gray: number): void {
    this.ops.push(`${num(width)} w ${num(gray)} G ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  fillRect(x: number, y: number, width: number, height: number, gray: number): void {
    this.ops.push(`${num(gray)} g ${num(x)} ${num(y)} ${num(width)} ${num(height)} re f`);
  }

  /** The operators as bytes; pure ASCII, since text is drawn as hex-encoded glyph ids. */
  bytes(): Uint8Array {
    return Buffer.from(this.ops.join('\n'), 'latin1');
  }
}
