// Child process of the PDF benchmark: renders N invoices the way a backup run does (the run's renderer, on worker
// threads when there is more than one core, DELIVERIES_IN_FLIGHT documents at once), keeps nothing but a byte
// count, and prints the process's peak RSS (VmHWM, see peakRss.ts), worker threads included.
import { DELIVERIES_IN_FLIGHT } from '../../src/backup/deliver.js';
import { createDocumentRenderer } from '../../src/render/pool.js';
import { peakKb } from './peakRss.js';
import { sampleInvoice } from './sampleInvoice.js';

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count <= 0) throw new Error('usage: rssProbe.js <number of invoices>');

const renderer = createDocumentRenderer();
let bytes = 0;
let next = 0;
const lane = async () => {
  while (next < count) {
    // Awaited before the sum: `bytes += await …` would read bytes before the wait and lose the other lanes' counts.
    const pdf = await renderer.renderInvoice(sampleInvoice(next++), { language: 'pl', timeZone: 'Europe/Warsaw' });
    bytes += pdf.byteLength;
  }
};
await Promise.all(Array.from({ length: DELIVERIES_IN_FLIGHT }, lane));
await renderer.close();
process.stdout.write(JSON.stringify({ count, bytes, peakRssKb: peakKb() }));
