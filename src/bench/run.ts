// `npm run bench`: runs each section in turn and prints its figures. Speed is measured here, never in tests.
// To add a section, write a function returning BenchRow[] in its own file and list it below.
import { availableParallelism, cpus } from 'node:os';
import { pdfBench } from './pdf.js';
import { formatSection, type BenchSection } from './report.js';

const SECTIONS: BenchSection[] = [{ title: 'Invoice PDFs (A4, 10 items)', run: pdfBench }];

console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'})\n`);
for (const section of SECTIONS) {
  console.log(formatSection(section.title, await section.run()));
  console.log();
}
