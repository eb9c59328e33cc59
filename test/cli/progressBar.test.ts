import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../../src/cli/progressBar.js';

function fakeTerminal() {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s) > 0 } };
}

describe('terminal progress', () => {
  it('draws a bar per phase with what it read and an ETA from the pace so far, and leaves it full when the phase ends', () => {
    const t = fakeTerminal();
    let now = 0;
    const progress = terminalProgress(t.stream, () => now);
    progress.start('invoices', 1000, 2000);
    now = 60_000;
    progress.advance(1200, 1250);
    now = 60_100;
    progress.advance(1300, 1300); // too soon after the last drawing: skipped, but counted
    progress.end();
    const lines = t.writes.map((w) => w.replace('\r\x1b[2K', ''));
    expect(lines).toEqual([
      `invoices  [${'.'.repeat(24)}]  starting`,
      `invoices  [######${'.'.repeat(18)}]  1 200 invoices read  ~3 min left`,
      // However far the last document's date was from the phase's end, a finished phase is a full bar.
      `invoices  [${'#'.repeat(24)}]  1 300 invoices read`,
      '\n',
    ]);
  });

  it('says one order, one receipt, one invoice', () => {
    for (const [phase, noun] of [['orders', 'order'], ['receipts', 'receipt'], ['invoices', 'invoice']] as const) {
      const t = fakeTerminal();
      const progress = terminalProgress(t.stream, () => 0);
      progress.start(phase, 0, 10);
      progress.advance(1, 5);
      progress.end();
      expect(t.writes.at(-2)).toBe(`\r\x1b[2K${phase.padEnd(9)} [${'#'.repeat(24)}]  1 ${noun} read`);
    }
  });
});
