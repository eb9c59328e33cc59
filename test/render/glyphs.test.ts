// Proof that every diacritic really renders from our subset font, checked on pixels, not on extracted text:
// a subset that loses glyphs (or the accent part of a composite glyph such as "ą" = "a" + ogonek) still
// extracts as the right text through ToUnicode, yet shows a blank, a box or a bare letter.
//
// Each character is drawn large in its own grid cell by our renderer, and separately by pdf-lib with the
// complete, unsubsetted font file as the reference. Each cell must (1) have ink, (2) match the reference
// cell, (3) differ from the font's .notdef box and (4) differ from its base letter, so the accent is there.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../src/render/document.js';
import { dejaVuFonts } from '../../src/render/fonts.js';
import { BASELINE } from '../../src/render/flow.js';
import { DIACRITICS } from '../fixtures/documents.js';
import { crop, differingFraction, inkPixels, rasterize, skipImageTests, type GrayImage } from './poppler.js';

const SIZE = 24;
const CELL = 40; // points; the baseline sits 31 pt down, leaving room for accents above capitals and ogonki below
const BASELINE_DROP = 31;
const COLUMNS = 12;
const SCALE = 2; // pixels per point: 144 dpi, cells of 80×80 px
const PAGE_TOP = 800;
const LEFT = 40;
/** Base letters: "ą" must look different from "a", or its ogonek went missing. */
const BASE: Record<string, string> = Object.fromEntries(
  [...DIACRITICS].map((ch) => [ch, ch.normalize('NFD')[0]!]).filter(([ch, base]) => ch !== base),
);
BASE['ł'] = 'l';
BASE['Ł'] = 'L';
BASE['ß'] = 's';
/** A character DejaVu Sans lacks: pdf-lib draws it as glyph 0, the .notdef box. */
const NOTDEF = '中';

const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

function cellOrigin(index: number): { x: number; top: number } {
  return { x: LEFT + (index % COLUMNS) * CELL, top: PAGE_TOP - Math.floor(index / COLUMNS) * CELL };
}

/** The glyphs to check, each base letter once, then the .notdef slot (reference document only). */
const chars = [...new Set([...DIACRITICS, ...Object.values(BASE)])];

async function renderWithSubset(bold: boolean): Promise<Uint8Array> {
  return renderDocument(
    {
      title: 'glyphs',
      subject: 'glyphs',
      author: '',
      language: 'pl',
      createdAt: 0,
      fingerprint: 'glyphs',
      footerLabel: '',
      pageText: () => '',
    },
    dejaVuFonts,
    (flow) => {
      const face = bold ? flow.fonts.bold : flow.fonts.regular;
      chars.forEach((ch, i) => {
        const { x, top } = cellOrigin(i);
        // flow.text() takes the top of the line box; its baseline is BASELINE × size below that.
        flow.text(ch, x + 8, top - BASELINE_DROP + SIZE * BASELINE, { face, size: SIZE });
      });
    },
  );
}

/** The same grid drawn by pdf-lib's own embedding of the complete font file (no subsetting). */
async function renderReference(bold: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(join(fontDir, bold ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf')), {
    subset: false,
  });
  const page = doc.addPage([595.28, 841.89]);
  [...chars, NOTDEF].forEach((ch, i) => {
    const { x, top } = cellOrigin(i);
    page.drawText(ch, { x: x + 8, y: top - BASELINE_DROP, size: SIZE, font });
  });
  return doc.save();
}

function cell(page: GrayImage, index: number): GrayImage {
  const { x, top } = cellOrigin(index);
  return crop(page, Math.round(x * SCALE), Math.round(page.height - top * SCALE), CELL * SCALE, CELL * SCALE);
}

describe.skipIf(skipImageTests)('diacritics render from the subset font', () => {
  for (const bold of [false, true]) {
    it(`${bold ? 'DejaVu Sans Bold' : 'DejaVu Sans'}: every diacritic is drawn with its accent`, async () => {
      const [ours] = rasterize(await renderWithSubset(bold), 72 * SCALE);
      const [reference] = rasterize(await renderReference(bold), 72 * SCALE);
      const notdef = cell(reference!, chars.length);
      expect(inkPixels(notdef), 'the .notdef box is visible in the reference').toBeGreaterThan(60);

      const failures: string[] = [];
      chars.forEach((ch, i) => {
        const mine = cell(ours!, i);
        const theirs = cell(reference!, i);
        // Measured: the subset renders pixel-identical to the full font (0 differing pixels); an accent changes
        // 25–60 of the 6400 pixels of a cell, a missing one 0; glyphs differ from .notdef in 8–17%.
        if (inkPixels(mine) < 60) failures.push(`${ch}: blank`);
        if (differingFraction(mine, theirs) > 0.002) failures.push(`${ch}: differs from the full font`);
        if (differingFraction(mine, notdef) < 0.02) failures.push(`${ch}: looks like .notdef`);
        const base = BASE[ch];
        if (base && differingFraction(mine, cell(ours!, chars.indexOf(base))) < 0.002) {
          failures.push(`${ch}: looks like bare "${base}" (accent missing)`);
        }
      });
      expect(failures).toEqual([]);
    });
  }
});
