// Test helpers around poppler-utils (pdftotext, pdftoppm): text extraction and rasterising PDFs to greyscale
// pixels, so tests check what a reader actually sees, not just what the PDF claims to contain.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasPoppler = ['pdftotext', 'pdftoppm'].every((tool) => spawnSync(tool, ['-v']).error === undefined);

/**
 * Image tests need poppler. Locally they are skipped (with a message) when it is missing; in CI they run
 * regardless and fail loudly, so a CI image without poppler cannot pass silently.
 */
export const skipImageTests = !hasPoppler && !process.env.CI;
if (skipImageTests) {
  console.warn('Skipping PDF text/image tests: pdftotext/pdftoppm not found (apt-get install -y poppler-utils).');
}

function withTempPdf<T>(pdf: Uint8Array, fn: (dir: string, file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'render-test-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return fn(dir, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Text of the whole document (pages separated by form feeds), in reading order. */
export function pdfToText(pdf: Uint8Array, layout = false): string {
  return withTempPdf(pdf, (_dir, file) =>
    execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  );
}

/** Text of each page. */
export function pdfPages(pdf: Uint8Array): string[] {
  const pages = pdfToText(pdf).split('\f');
  if (pages[pages.length - 1]?.trim() === '') pages.pop();
  return pages;
}

export interface Word {
  page: number;
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Every word with its bounding box in points (pdftotext -bbox), to check where text ended up. */
export function pdfWords(pdf: Uint8Array): Word[] {
  const html = withTempPdf(pdf, (_dir, file) =>
    execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  );
  const words: Word[] = [];
  html.split('<page ').slice(1).forEach((page, index) => {
    for (const m of page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      words.push({
        page: index + 1,
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
        text: m[5]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'),
      });
    }
  });
  return words;
}

/** The words printed on the same line to the right of `label` (e.g. the value of "Data wystawienia:"). */
export function textRightOf(words: readonly Word[], label: string): string {
  const parts = label.split(' ');
  const at = words.findIndex((w, i) => parts.every((p, k) => words[i + k]?.text === p));
  if (at < 0) throw new Error(`label not found: ${label}`);
  const last = words[at + parts.length - 1]!;
  return words
    .filter((w) => w.page === last.page && Math.abs(w.yMax - last.yMax) < 1 && w.xMin > last.xMax)
    .sort((a, b) => a.xMin - b.xMin)
    .map((w) => w.text)
    .join(' ');
}

export interface GrayImage {
  width: number;
  height: number;
  /** One byte per pixel, 0 = black, 255 = white, row-major. */
  pixels: Uint8Array;
}

/** Rasterises every page to greyscale at `dpi` (pdftoppm -gray writes binary PGM, parsed here). */
export function rasterize(pdf: Uint8Array, dpi: number): GrayImage[] {
  return withTempPdf(pdf, (dir, file) => {
    execFileSync('pdftoppm', ['-gray', '-r', String(dpi), file, join(dir, 'page')]);
    // pdftoppm names pages page-1.pgm, or page-01.pgm … when there are ten or more.
    return readdirSync(dir)
      .filter((name) => /^page-\d+\.pgm$/.test(name))
      .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')))
      .map((name) => parsePgm(readFileSync(join(dir, name))));
  });
}

function parsePgm(data: Buffer): GrayImage {
  // Header: "P5" width height maxval, separated by whitespace, then one byte per pixel.
  const header: string[] = [];
  let pos = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(data[pos]!))) pos++;
    let token = '';
    while (!/\s/.test(String.fromCharCode(data[pos]!))) token += String.fromCharCode(data[pos++]!);
    header.push(token);
  }
  pos++; // the single whitespace after maxval
  if (header[0] !== 'P5' || header[3] !== '255') throw new Error(`unexpected PGM header ${header.join(' ')}`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: new Uint8Array(data.subarray(pos, pos + width * height)) };
}

/** A rectangular part of an image. */
export function crop(image: GrayImage, x: number, y: number, width: number, height: number): GrayImage {
  const pixels = new Uint8Array(width * height);
  for (let row = 0; row < height; row++) {
    const start = (y + row) * image.width + x;
    pixels.set(image.pixels.subarray(start, start + width), row * width);
  }
  return { width, height, pixels };
}

/** Number of pixels darker than mid-grey: "ink". */
export function inkPixels(image: GrayImage): number {
  let n = 0;
  for (const p of image.pixels) if (p < 128) n++;
  return n;
}

/** Fraction of pixels whose grey level differs by more than `threshold` (images must be the same size). */
export function differingFraction(a: GrayImage, b: GrayImage, threshold = 64): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let n = 0;
  for (let i = 0; i < a.pixels.length; i++) if (Math.abs(a.pixels[i]! - b.pixels[i]!) > threshold) n++;
  return n / a.pixels.length;
}
