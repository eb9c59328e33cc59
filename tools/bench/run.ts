// `npm run bench`: runs each section in turn and prints its figures. Speed is measured here, never in tests.
// To add a section, write a function returning BenchRow[] in its own file and list it below. Words after the
// command pick the sections whose titles contain one of them: `npm run bench -- dropbox accounts`.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { ACCOUNTS_SECTIONS } from './accounts.js';
import { DROPBOX_SECTIONS } from './dropbox.js';
import { END_TO_END_SECTIONS } from './endToEnd.js';
import { ONEDRIVE_SECTIONS } from './oneDrive.js';
import { pdfBench } from './pdf.js';
import { formatSection, type BenchSection } from './report.js';

const ALL: BenchSection[] = [{ title: 'Invoice PDFs (A4, 10 items)', run: pdfBench }, ...END_TO_END_SECTIONS, ...ONEDRIVE_SECTIONS, ...DROPBOX_SECTIONS, ...ACCOUNTS_SECTIONS];
const words = process.argv.slice(2).map((w) => w.toLowerCase());
const SECTIONS = words.length === 0 ? ALL : ALL.filter((s) => words.some((w) => s.title.toLowerCase().includes(w)));

// The load average says whether other work shared the machine while the figures were taken.
const load = loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), load average ${load}\n`);
for (const section of SECTIONS) {
  console.log(formatSection(section.title, await section.run()));
  console.log();
}
