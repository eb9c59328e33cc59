// Global setup: one violations file for the whole run, handed to workers and spawned CLIs through the environment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GUARD_MODULE = path.resolve(import.meta.dirname, 'networkGuard.mjs');

export default function setup(): () => void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'blb-net-')), 'violations.log');
  fs.writeFileSync(file, '');
  process.env.BLB_NETWORK_VIOLATIONS = file;
  process.env.BLB_NETWORK_GUARD = GUARD_MODULE;
  return () => {
    const violations = fs.readFileSync(file, 'utf8').trim();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    if (violations) {
      // Vitest reports an error thrown here but still exits 0: the exit code is set by hand so that the run fails.
      process.stderr.write(`requests left 127.0.0.1 during the tests:\n${violations}\n`);
      process.exitCode = 1;
    }
  };
}
