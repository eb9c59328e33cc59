// Fonts for the rendered documents: DejaVu Sans and DejaVu Sans Bold, Unicode TrueType fonts that cover
// Polish, Czech, German and most European scripts, embedded as subsets (only the glyphs used).
//
// Everything that does not depend on the document is done once per process and cached at module level:
// reading the 750 KB font files, parsing them (fontInfo.ts for the cmap and metrics, trueType.ts for the raw
// tables), and the glyph widths. Per document only the glyphs used are looked up, copied and written.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocument, PDFRef } from 'pdf-lib';
import { EmbeddedFont } from './embeddedFont.js';
import { readFontInfo } from './fontInfo.js';
import { parseTrueType, type TrueTypeFont } from './trueType.js';

/** One font as the layout code sees it. */
export interface FontFace {
  /** The font dictionary, for the pages' resources. */
  readonly ref: PDFRef;
  /** Width in points of text (already cleaned, see text.ts). */
  width(text: string, size: number): number;
  /** Whether the font has a glyph for this code point (if not, text.ts replaces the character). */
  supports(codePoint: number): boolean;
  /** The PDF string operand that draws this text, e.g. "<00010002>". */
  encode(text: string): string;
}

export interface FontSet {
  readonly regular: FontFace;
  readonly bold: FontFace;
  /** Writes the font objects once all text is drawn (a subset is only known then). */
  finish(): void;
}

/** Embeds the fonts a document uses; swappable so a benchmark can compare with a standard PDF font. */
export type FontProvider = (doc: PDFDocument) => Promise<FontSet>;

/** A font file parsed once per process: what every document embedding it shares. */
export interface FontProgram {
  readonly postscriptName: string;
  readonly raw: TrueTypeFont;
  /** Glyph id for a code point; 0 (.notdef) when the font lacks it. */
  glyphId(codePoint: number): number;
  /** Advance width of a glyph in 1/1000 em, rounded as written to the PDF's /W array. */
  readonly widths: Uint16Array;
  readonly descriptor: {
    flags: number;
    bbox: [number, number, number, number];
    italicAngle: number;
    ascent: number;
    descent: number;
    capHeight: number;
    xHeight: number;
    stemV: number;
  };
}

const require = createRequire(import.meta.url);

function fontPath(file: string): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', file);
}

function loadProgram(file: string): FontProgram {
  const bytes = new Uint8Array(readFileSync(fontPath(file)));
  const info = readFontInfo(bytes);
  const raw = parseTrueType(bytes);
  const scale = 1000 / info.unitsPerEm;
  const widths = new Uint16Array(raw.numGlyphs);
  raw.advances.forEach((advance, gid) => (widths[gid] = Math.round(advance * scale)));
  const glyphIds = new Map<number, number>();
  const [minX, minY, maxX, maxY] = info.bbox;
  return {
    postscriptName: info.postscriptName,
    raw,
    widths,
    glyphId(codePoint) {
      let id = glyphIds.get(codePoint);
      if (id === undefined) {
        id = info.glyphId(codePoint);
        glyphIds.set(codePoint, id);
      }
      return id;
    },
    descriptor: {
      // Symbolic (bit 3), as pdfkit and pdf-lib mark embedded subsets: glyphs are addressed by CID.
      flags: 4 | (info.italicAngle !== 0 ? 64 : 0),
      bbox: [minX, minY, maxX, maxY].map((v) => Math.round(v * scale)) as [number, number, number, number],
      italicAngle: info.italicAngle,
      ascent: Math.round(info.ascent * scale),
      descent: Math.round(info.descent * scale),
      capHeight: Math.round((info.capHeight || info.ascent) * scale),
      xHeight: Math.round(info.xHeight * scale),
      // Only a hint for viewers that substitute fonts; a common estimate from the weight class.
      stemV: Math.round(50 + (info.weightClass / 65) ** 2),
    },
  };
}

let programs: { regular: FontProgram; bold: FontProgram } | undefined;

/** Reads and parses both font files on first use; later calls return the cached programs. */
export function dejaVuPrograms(): { regular: FontProgram; bold: FontProgram } {
  programs ??= { regular: loadProgram('DejaVuSans.ttf'), bold: loadProgram('DejaVuSans-Bold.ttf') };
  return programs;
}

/** The default provider: DejaVu Sans and DejaVu Sans Bold, subset-embedded. */
export const dejaVuFonts: FontProvider = async (doc) => {
  const { regular, bold } = dejaVuPrograms();
  const fonts = { regular: new EmbeddedFont(doc, regular), bold: new EmbeddedFont(doc, bold) };
  return {
    ...fonts,
    finish() {
      fonts.regular.write();
      fonts.bold.write();
    },
  };
};
