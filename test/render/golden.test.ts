// Golden-image tests: every sample document is rasterised with pdftoppm and compared, page by page, with the
// PNGs committed under test/golden/. A layout change shows up here even when all the text is still present.
//
// Regenerate after an intended change with:  UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts
// (then look at the new PNGs before committing them). On a mismatch the actual page and a difference image
// are written to the directory named in the failure message.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from './png.js';
import { differingFraction, rasterize, skipImageTests, type GrayImage } from './poppler.js';
import { SAMPLES, type SampleName } from './samples.js';

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));
const FAILURE_DIR = join(tmpdir(), 'render-golden-failures');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
/** 50 dpi keeps the PNGs small (~20 KB a page) while a moved block or a missing line still shows. */
const DPI = 50;
/** A pixel counts as different when its grey level moves by more than this (anti-aliasing noise is below). */
const PIXEL_THRESHOLD = 64;
/**
 * Share of differing pixels tolerated (rasteriser versions may shade edges differently). Measured at 50 dpi:
 * dropping the one-line "issued by" block changes ~0.09% of a page, so that still fails; a single changed
 * digit (~0.01%) does not, which is the text tests' job.
 */
const MAX_DIFFERING = 0.0005;

function goldenPath(name: string, page: number): string {
  return join(GOLDEN_DIR, `${name}-p${page}.png`);
}

function diffImage(a: GrayImage, b: GrayImage): GrayImage {
  // Differences black on a faint copy of the expected page.
  const pixels = new Uint8Array(a.pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.abs(a.pixels[i]! - b.pixels[i]!) > PIXEL_THRESHOLD ? 0 : 200 + (b.pixels[i]! >> 3);
  }
  return { width: a.width, height: a.height, pixels };
}

describe.skipIf(skipImageTests)('golden images', () => {
  for (const name of Object.keys(SAMPLES) as SampleName[]) {
    it(`${name} looks as approved`, async () => {
      const pages = rasterize(await SAMPLES[name](), DPI);
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        for (const file of readdirSync(GOLDEN_DIR).filter((f) => f.startsWith(`${name}-p`))) {
          rmSync(join(GOLDEN_DIR, file));
        }
        pages.forEach((image, i) => writeFileSync(goldenPath(name, i + 1), encodePng(image)));
        console.info(`golden images written for ${name} (${pages.length} page(s))`);
        return;
      }
      const expectedPages = readdirSync(GOLDEN_DIR).filter((f) => f.startsWith(`${name}-p`)).length;
      expect(expectedPages, `no golden images for ${name}: run UPDATE_GOLDEN=1 npx vitest run test/render`).toBeGreaterThan(0);
      expect(pages.length, 'page count').toBe(expectedPages);
      pages.forEach((actual, i) => {
        const path = goldenPath(name, i + 1);
        expect(existsSync(path), path).toBe(true);
        const expected = decodePng(readFileSync(path));
        const differing = differingFraction(actual, expected, PIXEL_THRESHOLD);
        if (differing > MAX_DIFFERING) {
          mkdirSync(FAILURE_DIR, { recursive: true });
          writeFileSync(join(FAILURE_DIR, `${name}-p${i + 1}.actual.png`), encodePng(actual));
          if (actual.width === expected.width && actual.height === expected.height) {
            writeFileSync(join(FAILURE_DIR, `${name}-p${i + 1}.diff.png`), encodePng(diffImage(actual, expected)));
          }
        }
        expect(
          differing,
          `${name} page ${i + 1}: ${(differing * 100).toFixed(3)}% of pixels differ; see ${FAILURE_DIR}`,
        ).toBeLessThanOrEqual(MAX_DIFFERING);
      });
    });
  }

  it('the PNG codec round-trips (golden files are read back exactly)', () => {
    const image: GrayImage = { width: 7, height: 3, pixels: Uint8Array.from({ length: 21 }, (_, i) => (i * 37) & 0xff) };
    expect(decodePng(encodePng(image))).toEqual(image);
  });
});
