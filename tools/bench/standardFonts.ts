// The benchmark's yardstick: the same layout code drawing with pdf-lib's Helvetica, a standard PDF font that is
// referenced by name and never embedded. Not for documents: it has no "ł", "ś" or "ż" (WinAnsi only).
import { StandardFonts, type PDFDocument, type PDFFont } from 'pdf-lib';
import type { FontFace, FontProvider } from '../../src/render/fonts.js';

function standardFace(font: PDFFont): FontFace {
  const charset = new Set(font.getCharacterSet());
  return {
    ref: font.ref,
    width: (text, size) => font.widthOfTextAtSize(text, size),
    supports: (codePoint) => charset.has(codePoint),
    encode: (text) => font.encodeText(text).toString(),
  };
}

export const helveticaFonts: FontProvider = async (doc: PDFDocument) => {
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  return { regular: standardFace(regular), bold: standardFace(bold), finish: () => {} };
};
