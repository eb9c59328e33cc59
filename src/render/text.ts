// Turning arbitrary shop data into drawable lines: clean it, then wrap it to a width.
import type { FontFace } from './fonts.js';

/** Shown for characters the font lacks: visible to the reader and in extracted text, unlike an empty box. */
const REPLACEMENT = '\uFFFD';

/**
 * Makes text safe to draw on one line: NFC (so "a" + combining ogonek becomes the single "ą" the font has),
 * tabs and line breaks become spaces, other control characters go, characters the font lacks become U+FFFD.
 */
export function cleanLine(text: string, face: FontFace): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x09 || cp === 0x0a || cp === 0x0d) out += ' ';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    else out += face.supports(cp) ? ch : face.supports(0xfffd) ? REPLACEMENT : '?';
  }
  return out;
}

/** Splits a multi-line block (seller address, notes) into cleaned lines; blank input gives no lines. */
export function cleanBlock(text: string, face: FontFace): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((line) => cleanLine(line, face).trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  while (lines.length > 0 && lines[0] === '') lines.shift();
  return lines;
}

/**
 * Greedy word wrap of one cleaned line to maxWidth. A word wider than the line is broken after a hyphen,
 * slash or underscore if it has one (SKUs, ISBNs), else between characters, so nothing ever sticks out of
 * its cell.
 */
export function wrapLine(text: string, face: FontFace, size: number, maxWidth: number): string[] {
  if (face.width(text, size) <= maxWidth) return [text];
  const space = face.width(' ', size);
  const lines: string[] = [];
  let current = '';
  let currentWidth = 0; // widths add up: the fonts are drawn without kerning
  const flush = () => {
    if (current !== '') lines.push(current);
    current = '';
    currentWidth = 0;
  };
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    const pieces = face.width(word, size) <= maxWidth ? [word] : word.split(/(?<=[-/_])/);
    pieces.forEach((piece, i) => {
      const gapWidth = i === 0 && current !== '' ? space : 0;
      const pieceWidth = face.width(piece, size);
      if (current !== '' && currentWidth + gapWidth + pieceWidth <= maxWidth) {
        current += (gapWidth > 0 ? ' ' : '') + piece;
        currentWidth += gapWidth + pieceWidth;
        return;
      }
      flush();
      if (pieceWidth <= maxWidth) {
        current = piece;
        currentWidth = pieceWidth;
        return;
      }
      for (const ch of piece) {
        const chWidth = face.width(ch, size);
        if (current !== '' && currentWidth + chWidth > maxWidth) flush();
        current += ch;
        currentWidth += chWidth;
      }
    });
  }
  if (current !== '' || lines.length === 0) lines.push(current);
  return lines;
}

/** Wraps each line of a block; keeps empty lines as paragraph spacing. */
export function wrapBlock(lines: readonly string[], face: FontFace, size: number, maxWidth: number): string[] {
  return lines.flatMap((line) => (line === '' ? [''] : wrapLine(line, face, size, maxWidth)));
}

/**
 * Font size at which a line fits maxWidth, not below minSize. Amounts are shrunk rather than wrapped, since
 * "1 234" / "567,89" on two lines would read as two numbers.
 */
export function fitSize(text: string, face: FontFace, size: number, minSize: number, maxWidth: number): number {
  const width = face.width(text, size);
  if (width <= maxWidth) return size;
  return Math.max(minSize, Math.floor(((size * maxWidth) / width) * 10) / 10);
}
