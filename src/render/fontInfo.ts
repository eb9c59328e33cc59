// What the layout and the PDF font descriptor need from a TrueType font, read straight from its tables: which glyph
// draws a code point (cmap), and the metrics (head, hhea, OS/2, post) and PostScript name (name).
//
// Why not fontkit? It did this job, but it is a whole OpenType engine (shaping, variations, WOFF2, colour fonts)
// that every render thread loaded and kept for these few numbers: about 5 MB of live heap and 25 MB of resident
// memory per thread. The cmap lookup here is checked against fontkit code point by code point in
// test/render/fontInfo.test.ts.
import { dataView, tableDirectory } from './trueType.js';

export interface FontInfo {
  readonly postscriptName: string;
  readonly unitsPerEm: number;
  /** In font units, like the heights below: xMin, yMin, xMax, yMax. */
  readonly bbox: readonly [number, number, number, number];
  /** Degrees, counter-clockwise from the vertical. */
  readonly italicAngle: number;
  readonly ascent: number;
  readonly descent: number;
  /** 0 when the font does not say (OS/2 before version 2). */
  readonly capHeight: number;
  readonly xHeight: number;
  /** OS/2 usWeightClass: 400 regular, 700 bold. */
  readonly weightClass: number;
  /** Glyph id for a code point; 0 (.notdef) when the font has none. */
  glyphId(codePoint: number): number;
}

export function readFontInfo(bytes: Uint8Array): FontInfo {
  const tables = tableDirectory(bytes);
  const table = (tag: string): DataView => {
    const found = tables.get(tag);
    if (!found) throw new Error(`TrueType font lacks the ${tag} table`);
    return dataView(found);
  };
  const head = table('head');
  const hhea = table('hhea');
  const post = table('post');
  const os2 = tables.has('OS/2') ? table('OS/2') : null;
  const hasHeights = os2 !== null && os2.getUint16(0) >= 2;
  return {
    postscriptName: postscriptName(table('name')),
    unitsPerEm: head.getUint16(18),
    bbox: [head.getInt16(36), head.getInt16(38), head.getInt16(40), head.getInt16(42)],
    italicAngle: post.getInt32(4) / 65536,
    ascent: hhea.getInt16(4),
    descent: hhea.getInt16(6),
    capHeight: hasHeights ? os2.getInt16(88) : 0,
    xHeight: hasHeights ? os2.getInt16(86) : 0,
    weightClass: os2?.getUint16(4) ?? 400,
    glyphId: cmapLookup(table('cmap')),
  };
}

/**
 * Code point to glyph through the font's full-Unicode cmap subtable (format 12, Windows or Unicode platform). Format
 * 4, the older Basic Multilingual Plane table, is not read: both fonts we embed carry format 12.
 */
function cmapLookup(cmap: DataView): (codePoint: number) => number {
  for (let i = 0; i < cmap.getUint16(2); i++) {
    const rec = 4 + i * 8;
    const [platform, encoding, offset] = [cmap.getUint16(rec), cmap.getUint16(rec + 2), cmap.getUint32(rec + 4)];
    const unicode = (platform === 3 && encoding === 10) || (platform === 0 && (encoding === 4 || encoding === 6 || encoding === 10));
    if (unicode && cmap.getUint16(offset) === 12) return segmentedCoverage(new DataView(cmap.buffer, cmap.byteOffset + offset));
  }
  throw new Error('TrueType font has no full-Unicode cmap (format 12)');
}

/** Format 12: groups of consecutive code points mapped to consecutive glyphs, sorted by code point. */
function segmentedCoverage(t: DataView): (codePoint: number) => number {
  const groups = t.getUint32(12);
  return (codePoint) => {
    let low = 0;
    let high = groups - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = 16 + mid * 12;
      if (codePoint < t.getUint32(at)) high = mid - 1;
      else if (codePoint > t.getUint32(at + 4)) low = mid + 1;
      else return t.getUint32(at + 8) + codePoint - t.getUint32(at);
    }
    return 0;
  };
}

/** Name id 6, from a Windows (UTF-16BE) or Macintosh (single-byte) record. */
function postscriptName(name: DataView): string {
  const count = name.getUint16(2);
  const strings = name.getUint16(4);
  for (let i = 0; i < count; i++) {
    const rec = 6 + i * 12;
    const platform = name.getUint16(rec);
    if (name.getUint16(rec + 6) !== 6 || (platform !== 3 && platform !== 1)) continue;
    const length = name.getUint16(rec + 8);
    const start = strings + name.getUint16(rec + 10);
    let text = '';
    if (platform === 3) for (let k = 0; k + 1 < length; k += 2) text += String.fromCharCode(name.getUint16(start + k));
    else for (let k = 0; k < length; k++) text += String.fromCharCode(name.getUint8(start + k));
    return text;
  }
  throw new Error('TrueType font has no PostScript name');
}
