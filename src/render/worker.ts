// One render thread of the pool (pool.ts): parses the fonts once, then renders one job per message and answers
// with the PDF, its buffer transferred rather than copied.
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../lib/errors.js';
import { dejaVuPrograms } from './fonts.js';
import { renderHere, type RenderJob, type RenderReply } from './pool.js';
// Loaded with the thread, not by its first job (renderHere imports them lazily for the main thread's sake).
import './invoicePdf.js';
import './receiptPdf.js';

const port = parentPort;
if (!port) throw new Error('render/worker.js runs as a worker thread of the render pool');

// Now, while the pool is filling up, rather than inside the first job.
dejaVuPrograms();

port.on('message', (job: RenderJob) => {
  renderHere(job).then(
    (pdf) => port.postMessage({ ok: true, pdf } satisfies RenderReply, [pdf.buffer as ArrayBuffer]),
    (error: unknown) => port.postMessage({ ok: false, message: errorMessage(error) } satisfies RenderReply),
  );
});
