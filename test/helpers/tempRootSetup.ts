// Global setup: the whole run's temp folders go into one folder of its own (TMPDIR, which os.tmpdir() reads and
// the workers inherit), and whatever a test leaves there fails the run. Tests share the machine's /tmp with other
// programs, so leftovers are found here, where only this run writes, instead of piling up there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'blb-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = fs.readdirSync(root);
    fs.rmSync(root, { recursive: true, force: true });
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0: the exit code is set by hand so that the run fails.
      process.stderr.write(`tests left these behind in the temp folder (each test removes what it makes):\n${left.join('\n')}\n`);
      process.exitCode = 1;
    }
  };
}
