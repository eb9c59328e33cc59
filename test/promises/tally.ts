// The figures the promise tests publish: kept while they run, printed as one JSON line at the end and written to
// .vitest-tmp/promises/<name>.json, so the README's "Guarantees" section can quote a real run.
import fs from 'node:fs';
import path from 'node:path';

export const TALLY_DIR = path.resolve(import.meta.dirname, '../../.vitest-tmp/promises');

export function publishTally(name: string, tally: object): void {
  fs.mkdirSync(TALLY_DIR, { recursive: true });
  const json = JSON.stringify(tally);
  fs.writeFileSync(path.join(TALLY_DIR, `${name}.json`), `${JSON.stringify(tally, null, 2)}\n`);
  console.log(`TALLY ${name} ${json}`);
}

export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

// Seedable, so a failing trial can be replayed from the printed seed: the demo shop's generator.
export { seededRandom } from '../../tools/emulators/baselinker/demoTime.js';
