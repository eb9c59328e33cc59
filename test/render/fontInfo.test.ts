// Our font table reader against fontkit, the library it replaced: for both fonts we embed, the glyph of every
// Unicode code point and every metric the PDF font descriptor uses must be the same.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { readFontInfo } from '../../src/render/fontInfo.js';
import { tableDirectory } from '../../src/render/trueType.js';

const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

describe.each(['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'])('font tables of %s', (file) => {
  const bytes = new Uint8Array(readFileSync(join(fontDir, file)));
  const ours = readFontInfo(bytes);
  const reference = fontkit.create(bytes);

  it('map every code point to the glyph fontkit maps it to', () => {
    const differing: string[] = [];
    let mapped = 0;
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      const expected = reference.hasGlyphForCodePoint(codePoint) ? reference.glyphForCodePoint(codePoint).id : 0;
      const actual = ours.glyphId(codePoint);
      if (actual !== expected && differing.length < 10) differing.push(`U+${codePoint.toString(16)}: ${actual} not ${expected}`);
      if (expected !== 0) mapped++;
    }
    expect(differing).toEqual([]);
    // DejaVu maps thousands of characters, some beyond the Basic Multilingual Plane.
    expect(mapped).toBeGreaterThan(5000);
    expect(ours.glyphId(0x10300)).toBeGreaterThan(0); // OLD ITALIC LETTER A: beyond the BMP, in format 12 only
    expect(ours.glyphId('ą'.codePointAt(0)!)).toBeGreaterThan(0);
    expect(ours.glyphId(0xe000)).toBe(0); // private use: not in the font
  });

  it('give the metrics and name fontkit gives', () => {
    const os2 = reference['OS/2'] as unknown as { usWeightClass: number };
    expect(ours.postscriptName).toBe(reference.postscriptName);
    expect(ours.unitsPerEm).toBe(reference.unitsPerEm);
    expect(ours.bbox).toEqual([reference.bbox.minX, reference.bbox.minY, reference.bbox.maxX, reference.bbox.maxY]);
    expect(ours.italicAngle).toBe(reference.italicAngle);
    expect(ours.ascent).toBe(reference.ascent);
    expect(ours.descent).toBe(reference.descent);
    // DejaVu's OS/2 table is version 1, without the heights: fontkit says undefined, we say 0.
    expect(ours.capHeight).toBe(reference.capHeight ?? 0);
    expect(ours.xHeight).toBe(reference.xHeight ?? 0);
    expect(ours.weightClass).toBe(os2.usWeightClass);
  });
});

describe('font table reader', () => {
  it('refuses a file that is not a TrueType font', () => {
    expect(() => readFontInfo(new TextEncoder().encode('%PDF-1.7 not a font at all'))).toThrow('not a TrueType');
  });

  it('refuses a font without a full-Unicode cmap rather than drawing every character as .notdef', () => {
    const font = new Uint8Array(readFileSync(join(fontDir, 'DejaVuSans.ttf')));
    const cmap = tableDirectory(font).get('cmap')!;
    const view = new DataView(cmap.buffer, cmap.byteOffset, cmap.byteLength);
    for (let i = 0; i < view.getUint16(2); i++) view.setUint16(4 + i * 8, 9); // an unknown platform for every subtable
    expect(() => readFontInfo(font)).toThrow('no full-Unicode cmap');
  });
});
