import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../src/cli/progressBar.js';

function fakeTerminal() {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

describe('terminal progress', () => {
  it('draws a bar per phase with counts and an ETA from the pace so far', () => {
    const t = fakeTerminal();
    let now = 0;
    const progress = terminalProgress(t.stream, () => now);
    progress.start('invoices', 1000, 2000);
    now = 60_000;
    progress.advance(1200, 1250);
    now = 60_100;
    progress.advance(1300, 1300); // too soon after the last drawing: skipped
    progress.end('1 500 in scope, 1 500 stored');
    const lines = t.writes.map((w) => w.replace('\r\x1b[2K', ''));
    expect(lines[0]).toBe(`invoices  [${'.'.repeat(24)}]  starting`);
    expect(lines[1]).toBe(`invoices  [######${'.'.repeat(18)}]  1 200 read  ~3 min left`);
    expect(lines).toEqual([lines[0], lines[1], '']);
  });
});
