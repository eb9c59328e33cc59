#!/usr/bin/env node
// Runs the compiled CLI. `npm ci` builds it (the prepare script); `npm run build` rebuilds it after a change.
import { fileURLToPath } from 'node:url';

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
