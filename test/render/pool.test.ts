// The render pool's promise: a worker thread gives exactly the bytes this thread would, a document that fails to
// render fails alone, and a closed pool takes no more work. Threads run the built worker (dist/render/worker.js,
// made by `npm test`'s build), so the pool is imported from dist too: from src, its worker file would not exist.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as source from '../../src/render/pool.js';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { renderReceiptPdf } from '../../src/render/receiptPdf.js';
import { correctingInvoice, eurInvoice, longInvoice, plnInvoice, receipt } from '../fixtures/documents.js';
import { tempDir } from '../helpers/tempDir.js';

// Imported by a path TypeScript does not follow: dist/ holds JavaScript only; its types are src's.
const builtPool = '../../dist/render/pool.js';
const { createRenderPool, createDocumentRenderer, renderThreadsFor } = (await import(builtPool)) as typeof source;
const pl = { language: 'pl', timeZone: 'Europe/Warsaw' } as const;
const invoices = [plnInvoice, correctingInvoice, eurInvoice, longInvoice];

describe('render pool', () => {
  it('renders on its threads exactly the bytes rendered here, more documents than threads at once', async () => {
    const pool = createRenderPool({ threads: 2 });
    try {
      const fromPool = await Promise.all([...invoices.map((i) => pool.renderInvoice(i, pl)), pool.renderReceipt(receipt, pl)]);
      const here = await Promise.all([...invoices.map((i) => renderInvoicePdf(i, pl)), renderReceiptPdf(receipt, pl)]);
      fromPool.forEach((pdf, i) => expect(Buffer.from(pdf).equals(Buffer.from(here[i]!)), `document ${i}`).toBe(true));
    } finally {
      await pool.close();
    }
  });

  it('fails only the document that cannot be rendered', async () => {
    const pool = createRenderPool({ threads: 1 });
    try {
      const broken = { ...plnInvoice, items: null } as unknown as typeof plnInvoice;
      const results = await Promise.allSettled([pool.renderInvoice(broken, pl), pool.renderInvoice(plnInvoice, pl)]);
      expect(results[0].status).toBe('rejected');
      expect(results[1].status).toBe('fulfilled');
    } finally {
      await pool.close();
    }
  });

  it('takes no more work once closed', async () => {
    const pool = createRenderPool({ threads: 1 });
    await pool.close();
    await expect(pool.renderInvoice(plnInvoice, pl)).rejects.toThrow('closed');
  });

  it('the run renderer gives the same bytes on threads (two cores) and on this thread (one core)', async () => {
    const expected = Buffer.from(await renderInvoicePdf(plnInvoice, pl));
    for (const cores of [2, 1]) {
      const renderer = createDocumentRenderer({ cores });
      try {
        const pdfs = await Promise.all(Array.from({ length: 5 }, () => renderer.renderInvoice(plnInvoice, pl)));
        for (const pdf of pdfs) expect(Buffer.from(pdf).equals(expected), `${cores} cores`).toBe(true);
      } finally {
        await renderer.close();
      }
    }
  });

  it('a run renders on one thread beside the main one whatever the cores, and on the main one with a single core', () => {
    expect([1, 2, 4, 64].map((cores) => renderThreadsFor(cores))).toEqual([0, 1, 1, 1]);
  });

  // pdf-lib and the fonts weigh about 35 MB in each thread that loads them: a large run's peak memory depends on
  // loading them once.
  it('with threads, pdf-lib is never loaded on the main thread', () => {
    const threaded = renderInAFreshProcess(2);
    expect(threaded.pdfLibLoaded).toBe(false);
    expect(threaded.threadsLost).toEqual([]);
    expect(renderInAFreshProcess(1).pdfLibLoaded).toBe(true);
  });

  it('when its thread cannot start, documents render on the main thread, with the same bytes, and it is told', async () => {
    const expected = createHash('sha256').update(await renderInvoicePdf(plnInvoice, pl)).digest('hex');
    // A worker inherits its parent's flags, and --input-type (given with --eval) stops it from starting.
    const outcome = renderInAFreshProcess(2, { viaEval: true });
    expect(outcome.sha256).toBe(expected);
    expect(outcome.pdfLibLoaded).toBe(true);
    expect(outcome.threadsLost).toEqual([expect.stringContaining('--input-type')]);
  });
});

/** Renders one invoice with the run's renderer in a new Node process: the PDF's hash, and whether pdf-lib was loaded
 * on its main thread. */
interface FreshRender {
  sha256: string;
  pdfLibLoaded: boolean;
  /** What onThreadLost heard. */
  threadsLost: string[];
}

function renderInAFreshProcess(cores: number, o: { viaEval?: boolean } = {}): FreshRender {
  const script = `
    import { createHash } from 'node:crypto';
    import { createRequire } from 'node:module';
    import { createDocumentRenderer } from ${JSON.stringify(pathToFileURL(path.resolve('dist/render/pool.js')).href)};
    const threadsLost = [];
    const renderer = createDocumentRenderer({ cores: ${cores}, onThreadLost: (reason) => threadsLost.push(reason) });
    const pdf = await renderer.renderInvoice(${JSON.stringify(plnInvoice)}, ${JSON.stringify(pl)});
    await renderer.close();
    const cache = createRequire(import.meta.url).cache;
    process.stdout.write(JSON.stringify({
      sha256: createHash('sha256').update(pdf).digest('hex'),
      pdfLibLoaded: Object.keys(cache).some((file) => file.includes('/pdf-lib/')),
      threadsLost,
    }));
  `;
  let args: string[];
  if (o.viaEval) args = ['--input-type=module', '--eval', script];
  else {
    // A file of its own (tempDir removes it after the test), for the case where the program is a file on disk.
    const file = path.join(tempDir('blb-pool-'), 'probe.mjs');
    fs.writeFileSync(file, script);
    args = [file];
  }
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as FreshRender;
}
