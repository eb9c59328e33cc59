#!/usr/bin/env node
// Runs the compiled CLI. `npm ci` builds it (the prepare script); `npm run build` rebuilds it after a change.
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// V8 lets a heap grow to two to four times what is live before its next full collection. A run's main thread keeps
// about 30 MB live while its documents pass through, so a large first backup peaked at 311 MB; with the heap allowed
// to grow by half at most, 215 MB, for about 15% more CPU, which a paced run never misses (`npm run bench`). Node
// reads this flag at each collection, so setting it here works, unlike the heap sizes, which only its command line
// sets.
v8.setFlagsFromString('--heap-growing-percent=50');

const entry = fileURLToPath(import.meta.url);
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/main.js')) throw error;
  process.stderr.write('backup: the program is not built yet; run `npm ci` (or `npm run build`) in its folder\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv, entry);
