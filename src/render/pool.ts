// Rendering documents off the main thread, so that rendering and the main thread's own work (BaseLinker, the ledger,
// the uploads) run side by side on two cores.
//
// A job is plain data (the domain document and its options), structured-cloned to a worker; the PDF comes back as
// a transferred buffer, not a copy. Each worker parses the fonts once when it starts (fonts.ts caches per thread)
// and renders one job at a time; jobs wait in one queue here, so a slow document never holds others up behind it.
// Rendering is deterministic, so a worker's bytes are exactly the bytes this thread would produce.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Invoice, Receipt } from '../domain/documents.js';
import type { InvoicePdfOptions } from './invoicePdf.js';
import type { ReceiptPdfOptions } from './receiptPdf.js';

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

/**
 * Renders on the calling thread. pdf-lib and the parsed fonts weigh about 35 MB in the thread that loads
 * them, so they are imported on the first render, not with this module: a run whose documents render on threads
 * never loads them here.
 */
export async function renderHere(job: RenderJob): Promise<Uint8Array> {
  if (job.kind === 'invoice') return (await import('./invoicePdf.js')).renderInvoicePdf(job.invoice, job.options);
  return (await import('./receiptPdf.js')).renderReceiptPdf(job.receipt, job.options);
}

/** Renders on the calling thread: with one core, and for the pool when none of its threads is left. */
export const inProcessRenderer: DocumentRenderer = {
  renderInvoice: (invoice, options) => renderHere({ kind: 'invoice', invoice, options }),
  renderReceipt: (receipt, options) => renderHere({ kind: 'receipt', receipt, options }),
  close: async () => {},
};

export interface PoolOptions {
  threads: number;
  /** Called with the reason when a render thread dies while the pool is open. */
  onThreadLost?: (reason: string) => void;
}

interface Task {
  job: RenderJob;
  resolve(pdf: Uint8Array): void;
  reject(error: Error): void;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);
/**
 * Each thread is a V8 isolate of its own, with pdf-lib and the fonts loaded (about 35 MB) and a young
 * generation that V8 lets grow to about 48 MB while rendering churns through short-lived objects. Capping that at
 * 8 MB cost no measurable speed and took 30 to 50 MB per thread off a large run's peak RSS (`npm run bench`).
 */
const THREAD_YOUNG_GENERATION_MB = 8;

/**
 * `threads` workers rendering from one queue. A worker keeps the process alive only while it has a job, so a
 * pool that is never closed cannot hang the program. A worker that dies (it should not: render errors are
 * answered as messages) hands its job back; when none is left, jobs render on this thread. `onThreadLost` hears of
 * each such death, so that it does not go unnoticed: this thread then carries pdf-lib too, and the memory with it.
 */
export function createRenderPool({ threads, onThreadLost }: PoolOptions): DocumentRenderer {
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
    let failure = 'it exited';
    worker.on('error', (error) => (failure = error.message));
    worker.on('exit', () => {
      alive.delete(worker);
      if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
      const task = busy.get(worker);
      busy.delete(worker);
      if (closed) return;
      onThreadLost?.(failure);
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
 * Render threads a run uses: one whenever there is a second core, never more. On the two cores this usually runs
 * on, this thread stays busy too (BaseLinker pages, the ledger, the uploads), so one render thread keeps both cores
 * working; with one core a thread would only add copying. More would add their memory (each thread is a V8 isolate
 * with pdf-lib and the fonts, 35 MB and more: `npm run bench`) to the peak of a bigger host without making a real
 * run faster, since a real run waits on BaseLinker's and Drive's rate limits, not on rendering.
 */
export function renderThreadsFor(cores = availableParallelism()): number {
  return cores > 1 ? 1 : 0;
}

/**
 * The renderer a backup run uses: a pool of renderThreadsFor(cores) threads, started at the first document, or this
 * thread when that is none. Rendering only on the thread keeps pdf-lib out of this one: loaded in both, it cost a
 * large run about 40 MB of its peak (`npm run bench`). Starting the thread costs this thread nothing it would not
 * pay to render here, since the library and fonts load either way.
 */
export function createDocumentRenderer({
  cores = availableParallelism(),
  onThreadLost,
}: { cores?: number; onThreadLost?: PoolOptions['onThreadLost'] } = {}): DocumentRenderer {
  const threads = renderThreadsFor(cores);
  if (threads === 0) return inProcessRenderer;
  let pool: DocumentRenderer | null = null;
  const started = (): DocumentRenderer => (pool ??= createRenderPool({ threads, onThreadLost }));
  return {
    renderInvoice: (invoice, options) => started().renderInvoice(invoice, options),
    renderReceipt: (receipt, options) => started().renderReceipt(receipt, options),
    close: async () => pool?.close(),
  };
}
