import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { dejaVuFonts, type FontSet } from '../../src/render/fonts.js';
import { cleanBlock, cleanLine, fitSize, wrapLine } from '../../src/render/text.js';

let fonts: FontSet;
beforeAll(async () => {
  fonts = await dejaVuFonts(await PDFDocument.create());
});

describe('cleanLine', () => {
  it('composes combining marks so the font has a glyph for them', () => {
    const decomposed = 'Za\u0328z\u0307o\u0301\u0142c\u0301'; // "Zążółć" with combining ogonek, dot, acute
    expect(cleanLine(decomposed, fonts.regular)).toBe('Zążółć');
  });

  it('turns tabs and line breaks into spaces and drops other control characters', () => {
    expect(cleanLine('a\tb\r\nc\u0007d', fonts.regular)).toBe('a b  cd');
  });

  it('replaces characters the font lacks with U+FFFD instead of an invisible box', () => {
    expect(cleanLine('Tee 中 ok', fonts.regular)).toBe('Tee \uFFFD ok');
  });

  it('splits blocks into lines and trims blank edges', () => {
    expect(cleanBlock('\nFirma\r\nul. Długa 1\n\n', fonts.regular)).toEqual(['Firma', 'ul. Długa 1']);
  });
});

describe('wrapLine', () => {
  const size = 7.5;

  it('never produces a line wider than the cell', () => {
    const samples = [
      'Świeca sojowa – zapach: wanilia & bursztyn, szklany słoik z pokrywką, czas palenia ok. 45 godzin',
      'BEZPARAFINOWA-BEZZAPACHOWA-WERSJA-SPECJALNA-DLA-ALERGIKÓW-2026',
      'Ä'.repeat(200),
      'short',
    ];
    for (const width of [20, 52, 150, 400]) {
      for (const text of samples) {
        const lines = wrapLine(text, fonts.regular, size, width);
        for (const line of lines) expect(fonts.regular.width(line, size)).toBeLessThanOrEqual(width + 1e-9);
        // Nothing is lost: the lines put back together give the text (up to the spaces broken at).
        expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }
    }
  });

  it('prefers breaking long codes after a hyphen', () => {
    const lines = wrapLine('978-83-0000-000-1', fonts.regular, size, 50);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/-$/);
    expect(lines.join('')).toBe('978-83-0000-000-1');
  });

  it('shrinks numbers to fit instead of wrapping them', () => {
    const text = '1 234 567,89';
    const fitted = fitSize(text, fonts.regular, size, 5, 40);
    expect(fitted).toBeLessThan(size);
    expect(fonts.regular.width(text, fitted)).toBeLessThanOrEqual(40);
  });
});
