// The render pool's promise: a worker thread gives exactly the bytes this thread would, a document that fails to
// render fails alone, and a closed pool takes no more work. Threads run the built worker (dist/render/worker.js,
// made by `npm test`'s build), so the pool is imported from dist too: from src, its worker file would not exist.
import { describe, expect, it } from 'vitest';
import * as built from '../../dist/render/pool.js';
import type * as source from '../../src/render/pool.js';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { renderReceiptPdf } from '../../src/render/receiptPdf.js';
import { correctingInvoice, eurInvoice, longInvoice, plnInvoice, receipt } from '../fixtures/documents.js';

const { createRenderPool, createDocumentRenderer, RENDER_HERE_FIRST } = built as typeof source;
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

  it('the run renderer gives the same bytes before and after it moves to threads', async () => {
    const renderer = createDocumentRenderer(2);
    try {
      const pdfs = await Promise.all(Array.from({ length: RENDER_HERE_FIRST + 3 }, () => renderer.renderInvoice(plnInvoice, pl)));
      const expected = Buffer.from(await renderInvoicePdf(plnInvoice, pl));
      for (const pdf of pdfs) expect(Buffer.from(pdf).equals(expected)).toBe(true);
    } finally {
      await renderer.close();
    }
  });
});
