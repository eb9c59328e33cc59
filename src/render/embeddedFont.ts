// One TrueType font embedded in one document as a subset (PDF 32000 §9.7: a Type0 font with Identity-H
// encoding over a CIDFontType2 whose CIDs are the subset's glyph ids).
//
// We write the font objects ourselves rather than through pdf-lib's embedFont(): that path runs fontkit's
// OpenType shaper for every string drawn or measured, re-parses the font file for every document, and names
// fonts with a random suffix. Here text is mapped through the cmap only (fine for the NFC Latin, Greek and
// Cyrillic text on invoices; pdf-lib ignored shaping positions anyway), and the subset name is derived from
// the glyphs it contains, so equal input gives equal bytes.
import { createHash } from 'node:crypto';
import { PDFString, type PDFDocument, type PDFRef } from 'pdf-lib';
import type { FontFace, FontProgram } from './fonts.js';
import { toUnicodeCMap } from './toUnicode.js';
import { TrueTypeSubset } from './trueType.js';

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

export class EmbeddedFont implements FontFace {
  readonly ref: PDFRef;
  private readonly subset: TrueTypeSubset;
  /** Text of each subset glyph, for the ToUnicode map. */
  private readonly unicode: string[] = [];
  private written = false;

  constructor(
    private readonly doc: PDFDocument,
    private readonly program: FontProgram,
  ) {
    // Reserved now, filled in by write(): pages refer to the font before its subset is known.
    this.ref = doc.context.nextRef();
    this.subset = new TrueTypeSubset(program.raw);
  }

  width(text: string, size: number): number {
    let total = 0;
    for (const ch of text) total += this.program.widths[this.program.glyphId(ch.codePointAt(0)!)]!;
    return (total * size) / 1000;
  }

  supports(codePoint: number): boolean {
    return this.program.glyphId(codePoint) !== 0;
  }

  encode(text: string): string {
    if (this.written) throw new Error('font already written: draw all text before finishing the document');
    let hex = '';
    for (const ch of text) {
      const id = this.subset.includeGlyph(this.program.glyphId(ch.codePointAt(0)!));
      this.unicode[id] ??= ch;
      hex += hex4(id);
    }
    return `<${hex}>`;
  }

  /** Writes the subset font file and its dictionaries into the document. Call once, after all drawing. */
  write(): void {
    if (this.written) return;
    this.written = true;
    const { context } = this.doc;
    const fontFile = this.subset.encode(); // may add accent components: in /W, not in ToUnicode
    const widths: number[] = [];
    for (let id = 1; id < this.subset.size; id++) widths.push(this.program.widths[this.subset.originalId(id)]!);
    const name = `${this.tag()}+${this.program.postscriptName}`;
    const d = this.program.descriptor;

    // Length1 = uncompressed length of the font program, required for FontFile2 (PDF 32000 Table 127).
    // Stored uncompressed: deflating the font program was half the cost of a PDF, and saves only ~3 KB per file.
    const fontFileRef = context.register(context.stream(fontFile, { Length1: fontFile.length }));
    const descriptorRef = context.register(
      context.obj({
        Type: 'FontDescriptor',
        FontName: name,
        Flags: d.flags,
        FontBBox: d.bbox,
        ItalicAngle: d.italicAngle,
        Ascent: d.ascent,
        Descent: d.descent,
        CapHeight: d.capHeight,
        XHeight: d.xHeight,
        StemV: d.stemV,
        FontFile2: fontFileRef,
      }),
    );
    const cidFontRef = context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: name,
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptorRef,
        DW: 1000,
        W: widths.length > 0 ? [1, widths] : [],
        CIDToGIDMap: 'Identity',
      }),
    );
    const toUnicodeRef = context.register(context.flateStream(toUnicodeCMap(this.unicode)));
    context.assign(
      this.ref,
      context.obj({
        Type: 'Font',
        Subtype: 'Type0',
        BaseFont: name,
        Encoding: 'Identity-H',
        DescendantFonts: [cidFontRef],
        ToUnicode: toUnicodeRef,
      }),
    );
  }

  /** Six capital letters naming this subset (PDF 32000 §9.6.4), derived from its glyphs: stable and distinct. */
  private tag(): string {
    const ids: number[] = [];
    for (let id = 0; id < this.subset.size; id++) ids.push(this.subset.originalId(id));
    const digest = createHash('sha256').update(`${this.program.postscriptName}:${ids.join(',')}`).digest();
    let tag = '';
    for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + (digest[i]! % 26));
    return tag;
  }
}
