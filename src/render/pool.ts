// Rendering documents off the main thread, so a run with many documents uses every core it is given.
//
// A job is plain data (the domain document and its options), structured-cloned to a worker; the PDF comes back as
// a transferred buffer, not a copy. Each worker parses the fonts once when it starts (fonts.ts caches per thread)
// and renders one job at a time; jobs wait in one queue here, so a slow document never holds others up behind it.
// Rendering is deterministic, so a worker's bytes are exactly the bytes this thread would produce.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Invoice, Receipt } from '../domain/documents.js';
import { renderInvoicePdf, type InvoicePdfOptions } from './invoicePdf.js';
import { renderReceiptPdf, type ReceiptPdfOptions } from './receiptPdf.js';

export type RenderJob =
  | { kind: 'invoice'; invoice: Invoice; options: InvoicePdfOptions }
  | { kind: 'receipt'; receipt: Receipt; options: ReceiptPdfOptions };

/** A worker's answer to one job. */
export type RenderReply = { ok: true; pdf: Uint8Array } | { ok: false; message: string };

/** What the backup renders with; where the work happens is the implementation's business. */
export interface DocumentRenderer {
  renderInvoice(invoice: Invoice, options: InvoicePdfOptions): Promise<Uint8Array>;
  renderReceipt(receipt: Receipt, options: ReceiptPdfOptions): Promise<Uint8Array>;
  /** Stops any threads. Call once all renders have settled. */
  close(): Promise<void>;
}

export function renderHere(job: RenderJob): Promise<Uint8Array> {
  return job.kind === 'invoice' ? renderInvoicePdf(job.invoice, job.options) : renderReceiptPdf(job.receipt, job.options);
}

/** Renders on the calling thread. */
export const inProcessRenderer: DocumentRenderer = {
  renderInvoice: (invoice, options) => renderHere({ kind: 'invoice', invoice, options }),
  renderReceipt: (receipt, options) => renderHere({ kind: 'receipt', receipt, options }),
  close: async () => {},
};

interface Task {
  job: RenderJob;
  resolve(pdf: Uint8Array): void;
  reject(error: Error): void;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);
/**
 * Each thread is a V8 isolate of its own, with pdf-lib, fontkit and the fonts loaded (about 50 MB) and a young
 * generation that V8 lets grow to about 48 MB while rendering churns through short-lived objects. Capping that at
 * 8 MB cost no measurable speed and took 30 to 50 MB per thread off a large run's peak RSS (`npm run bench`).
 */
const THREAD_YOUNG_GENERATION_MB = 8;

/**
 * `threads` workers rendering from one queue. A worker keeps the process alive only while it has a job, so a
 * pool that is never closed cannot hang the program. A worker that dies (it should not: render errors are
 * answered as messages) hands its job back; when none is left, jobs render on this thread.
 */
export function createRenderPool({ threads }: { threads: number }): DocumentRenderer {
  const waiting: Task[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Task>();
  const alive = new Set<Worker>();
  let closed = false;

  function start(): void {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
    worker.unref();
    alive.add(worker);
    worker.on('message', (reply: RenderReply) => {
      const task = busy.get(worker)!;
      busy.delete(worker);
      worker.unref();
      idle.push(worker);
      if (reply.ok) task.resolve(reply.pdf);
      else task.reject(new Error(reply.message));
      dispatch();
    });
    // Without a listener a worker's crash would be thrown here; 'exit' follows and deals with it.
    worker.on('error', () => {});
    worker.on('exit', () => {
      alive.delete(worker);
      if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
      const task = busy.get(worker);
      busy.delete(worker);
      if (closed) return;
      if (task) waiting.unshift(task);
      dispatch();
    });
    idle.push(worker);
  }

  function dispatch(): void {
    while (waiting.length > 0) {
      if (alive.size === 0) {
        const task = waiting.shift()!;
        renderHere(task.job).then(task.resolve, task.reject);
        continue;
      }
      const worker = idle.pop();
      if (!worker) return;
      const task = waiting.shift()!;
      busy.set(worker, task);
      worker.ref();
      worker.postMessage(task.job);
    }
  }

  function render(job: RenderJob): Promise<Uint8Array> {
    if (closed) return Promise.reject(new Error('the render pool is closed'));
    return new Promise((resolve, reject) => {
      waiting.push({ job, resolve, reject });
      dispatch();
    });
  }

  for (let i = 0; i < threads; i++) start();
  return {
    renderInvoice: (invoice, options) => render({ kind: 'invoice', invoice, options }),
    renderReceipt: (receipt, options) => render({ kind: 'receipt', receipt, options }),
    async close() {
      closed = true;
      for (const task of [...waiting.splice(0), ...busy.values()]) task.reject(new Error('the render pool was closed'));
      await Promise.all([...alive].map((worker) => worker.terminate()));
    },
  };
}

/**
 * Documents a run renders on this thread before it starts render threads. A thread's start (loading pdf-lib and
 * fontkit, parsing the fonts) costs a few hundred milliseconds of CPU, about what ~100 invoices take to render
 * (`npm run bench` shows it). A nightly run usually has a few dozen new documents and never pays it; a run that
 * goes past this pays it once and wins it back within a few hundred more documents; the first backup of a busy
 * account, or a catch-up after weeks, has thousands.
 */
export const RENDER_HERE_FIRST = 100;

/**
 * The renderer a backup run uses: the first RENDER_HERE_FIRST documents render on this thread; past them, the
 * rest go to a pool of min(2, cores - 1) threads. This thread stays busy too (BaseLinker pages, the ledger, the
 * uploads), so on the two cores this usually runs on one render thread keeps both cores working, and a second only
 * adds its memory (about 65 MB; the end-to-end benchmark measured it); a nightly backup should not take more of a
 * bigger host than two threads; with one core a thread would only add copying.
 */
export function createDocumentRenderer(cores = availableParallelism()): DocumentRenderer {
  const threads = Math.min(2, cores - 1);
  let pool: DocumentRenderer | null = null;
  let rendered = 0;
  const pick = (): DocumentRenderer => {
    if (pool) return pool;
    if (threads < 1 || ++rendered <= RENDER_HERE_FIRST) return inProcessRenderer;
    return (pool = createRenderPool({ threads }));
  };
  return {
    renderInvoice: (invoice, options) => pick().renderInvoice(invoice, options),
    renderReceipt: (receipt, options) => pick().renderReceipt(receipt, options),
    close: async () => pool?.close(),
  };
}
