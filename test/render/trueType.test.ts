import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { parseTrueType, TrueTypeSubset } from '../../src/render/trueType.js';

const require = createRequire(import.meta.url);
const fontFile = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
const bytes = new Uint8Array(readFileSync(fontFile));
const full = fontkit.create(bytes);
const raw = parseTrueType(bytes);

function subsetOf(text: string): { subset: TrueTypeSubset; file: Uint8Array } {
  const subset = new TrueTypeSubset(raw);
  for (const ch of text) subset.includeGlyph(full.glyphForCodePoint(ch.codePointAt(0)!).id);
  return { subset, file: subset.encode() };
}

describe('TrueType subset', () => {
  it('pulls in the components of composite glyphs and renumbers them', () => {
    const aogonek = full.glyphForCodePoint('ą'.codePointAt(0)!);
    expect(aogonek.id).toBeGreaterThan(0);
    const { subset, file } = subsetOf('ą');
    // .notdef + ą + its components ("a" and the ogonek).
    expect(subset.size).toBeGreaterThanOrEqual(4);
    const parsed = parseTrueType(file);
    expect(parsed.numGlyphs).toBe(subset.size);
    // Every component reference in the subset points inside the subset.
    const glyf = parsed.tables.get('glyf')!;
    const view = new DataView(glyf.buffer, glyf.byteOffset, glyf.byteLength);
    const start = parsed.loca[1]!;
    expect(view.getInt16(start)).toBeLessThan(0); // ą is composite
    let pos = start + 10;
    let flags: number;
    const components: number[] = [];
    do {
      flags = view.getUint16(pos);
      components.push(view.getUint16(pos + 2));
      pos += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
    } while (flags & 0x20);
    for (const id of components) {
      expect(id).toBeGreaterThan(1);
      expect(id).toBeLessThan(subset.size);
    }
  });

  it('copies glyph outlines and metrics unchanged', () => {
    const text = 'Zażółć gęślą jaźń ß';
    const { subset, file } = subsetOf(text);
    const parsed = parseTrueType(file);
    for (let id = 1; id < subset.size; id++) {
      const original = subset.originalId(id);
      expect(parsed.advances[id]).toBe(raw.advances[original]);
      const length = parsed.loca[id + 1]! - parsed.loca[id]!;
      const originalLength = raw.loca[original + 1]! - raw.loca[original]!;
      expect(length - originalLength).toBeGreaterThanOrEqual(0);
      expect(length - originalLength).toBeLessThan(4); // only padding added
    }
  });

  it('writes a well-formed font file with a valid checksum', () => {
    const { file } = subsetOf('Faktura VAT');
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    let sum = 0;
    for (let i = 0; i < file.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
    expect(sum).toBe(0xb1b0afba); // the whole-font checksum TrueType prescribes
    expect(file.length).toBeLessThan(20_000); // a subset, not the 750 KB font
  });

  it('leaves hinting out and every outline as it was', () => {
    const text = 'Zażółć gęślą jaźń ß';
    const { subset, file } = subsetOf(text);
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const tags = Array.from({ length: view.getUint16(4) }, (_, i) => String.fromCharCode(...file.subarray(12 + i * 16, 16 + i * 16)));
    expect(tags.filter((t) => ['cvt ', 'fpgm', 'prep'].includes(t))).toEqual([]);
    const parsed = parseTrueType(file);
    const glyf = parsed.tables.get('glyf')!;
    const glyfView = new DataView(glyf.buffer, glyf.byteOffset, glyf.byteLength);
    const reopened = fontkit.create(file);
    for (let id = 1; id < subset.size; id++) {
      const start = parsed.loca[id]!;
      const contours = glyfView.getInt16(start);
      if (contours >= 0) expect(glyfView.getUint16(start + 10 + contours * 2), `instructions of glyph ${id}`).toBe(0);
      expect(reopened.getGlyph(id).path.toSVG()).toBe(full.getGlyph(subset.originalId(id)).path.toSVG());
    }
  });
});
