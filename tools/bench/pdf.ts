// Invoice rendering speed and memory: our renderer with its embedded Unicode font against the same layout drawn
// with pdf-lib's standard Helvetica (the yardstick: identical page, only the font differs), then the worker pool
// on every core, then peak memory for a small and a large batch, each in a fresh process.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dejaVuPrograms } from '../../src/render/fonts.js';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { createRenderPool, renderThreadsFor } from '../../src/render/pool.js';
import type { BenchRow } from './report.js';
import { sampleInvoice } from './sampleInvoice.js';
import { helveticaFonts } from './standardFonts.js';

const OPTIONS = { language: 'pl', timeZone: 'Europe/Warsaw' } as const;
const WARM_UP = 200;
/** Alternating rounds, so a busy moment of the machine hits both renderers alike; the median round is reported. */
const ROUNDS = 5;
const PER_ROUND = 400;
const POOL_BATCH = 2000;
const RSS_BATCHES = [1000, 5000];

export async function pdfBench(): Promise<BenchRow[]> {
  const parseStart = performance.now();
  dejaVuPrograms();
  const parseMs = performance.now() - parseStart;

  const ours = (i: number) => renderInvoicePdf(sampleInvoice(i), OPTIONS);
  const standard = (i: number) => renderInvoicePdf(sampleInvoice(i), OPTIONS, helveticaFonts);
  await sequentialRate(ours, WARM_UP);
  await sequentialRate(standard, WARM_UP);
  const rounds: Array<{ ours: number; standard: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    rounds.push({ ours: await sequentialRate(ours, PER_ROUND), standard: await sequentialRate(standard, PER_ROUND) });
  }
  // The median round by ratio: each round's two rates were measured back to back, under the same load.
  const { ours: oursRate, standard: standardRate } = rounds.sort((a, b) => a.ours / a.standard - b.ours / b.standard)[Math.floor(ROUNDS / 2)]!;
  const [ourSize, standardSize] = [(await ours(0)).byteLength, (await standard(0)).byteLength];

  const threads = availableParallelism();
  const pool = await poolFigures(threads);
  const rss = RSS_BATCHES.map((count) => ({ count, mb: peakRssMb(count) }));

  return [
    { what: 'our renderer, DejaVu Sans subset embedded, 1 thread', figure: `${oursRate.toFixed(0)} invoices/s`, note: `${kb(ourSize)} per PDF` },
    { what: 'same page with pdf-lib Helvetica (standard font), 1 thread', figure: `${standardRate.toFixed(0)} invoices/s`, note: `${kb(standardSize)} per PDF` },
    { what: 'ratio, ours / standard font', figure: `${(oursRate / standardRate).toFixed(2)}×`, note: 'target ≥ 0.50×' },
    {
      what: `worker pool on every core, ${threads} threads, ${POOL_BATCH} invoices`,
      figure: `${pool.rate.toFixed(0)} invoices/s`,
      note: `${(pool.rate / oursRate).toFixed(2)}× one thread; a backup run uses ${renderThreadsFor(threads)} beside its main thread`,
    },
    { what: `start-up of ${threads} render threads, to the first PDF back`, figure: `${pool.startupMs.toFixed(0)} ms`, note: `font parsing alone: ${parseMs.toFixed(0)} ms` },
    ...rss.map(({ count, mb }) => ({ what: `peak RSS, ${count} invoices through the run's renderer`, figure: `${mb.toFixed(0)} MB` })),
  ];
}

async function sequentialRate(render: (i: number) => Promise<Uint8Array>, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await render(i);
  return count / ((performance.now() - start) / 1000);
}

/** A batch through the pool kept full, as a backup run keeps it; start-up is timed apart from the batch. */
async function poolFigures(threads: number): Promise<{ rate: number; startupMs: number }> {
  const startup = performance.now();
  const pool = createRenderPool({ threads });
  try {
    await Promise.all(Array.from({ length: threads }, (_, i) => pool.renderInvoice(sampleInvoice(i), OPTIONS)));
    const startupMs = performance.now() - startup;
    const start = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < POOL_BATCH) await pool.renderInvoice(sampleInvoice(next++), OPTIONS);
    };
    await Promise.all(Array.from({ length: threads * 2 }, lane));
    return { rate: POOL_BATCH / ((performance.now() - start) / 1000), startupMs };
  } finally {
    await pool.close();
  }
}

/** Peak RSS is a per-process high-water mark, so each batch runs in a process of its own. */
function peakRssMb(count: number): number {
  const probe = fileURLToPath(new URL('./rssProbe.js', import.meta.url));
  const output = execFileSync(process.execPath, [probe, String(count)], { encoding: 'utf8' });
  return (JSON.parse(output) as { peakRssKb: number }).peakRssKb / 1024;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
