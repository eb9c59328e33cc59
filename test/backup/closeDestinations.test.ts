// A destination that keeps identities for later (Dropbox writes them in batches, on close) and the run around it:
// the ledger records them as kept only once close() has written them; a destination that stopped, or whose close
// fails, leaves them unkept, and the next run hands them over again (recordIdentities).
import { describe, expect, it } from 'vitest';
import type { Destination, PutRequest } from '../../src/destinations/destination.js';
import { memoryDestination } from '../../src/destinations/memory/memoryDestination.js';
import { DestinationFullError } from '../../src/lib/errors.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { freshLedger, runInProcess } from '../helpers/inProcess.js';

const AS_OF = '2026-11-20';

/** The memory destination, saying each identity is pending until close(); `failPut(n)` fails puts after the n-th. */
function keepingForLater(o: { putsBeforeFull?: number; closeError?: Error } = {}) {
  const memory = memoryDestination();
  const seen = { puts: 0, closes: 0, recorded: [] as string[] };
  const destination: Destination = {
    ...memory,
    async put(request: PutRequest) {
      if (o.putsBeforeFull !== undefined && seen.puts >= o.putsBeforeFull) throw new DestinationFullError('memory is full');
      seen.puts++;
      return { ...(await memory.put(request)), identityPending: true };
    },
    async recordIdentities(files) {
      seen.recorded.push(...files.map((f) => f.name));
      await memory.recordIdentities(files);
    },
    async close() {
      seen.closes++;
      if (o.closeError) throw o.closeError;
    },
  };
  return { destination, seen, memory };
}

const unkept = (ledger: ReturnType<typeof freshLedger>) => ledger.withoutIdentity('memory').map((r) => r.name);

describe('identities a destination writes on close', () => {
  it('are recorded as kept once close() has written them', async () => {
    const ledger = freshLedger();
    const { destination, seen } = keepingForLater();
    const report = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices'] });
    expect(report.exitCode).toBe(0);
    expect(seen.closes).toBe(1);
    expect(seen.puts).toBeGreaterThan(1);
    expect(unkept(ledger)).toEqual([]);
  });

  it('a destination that stopped is not closed; its identities stay unkept and the next run hands them over', async () => {
    const ledger = freshLedger();
    const full = keepingForLater({ putsBeforeFull: 3 });
    const report = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [full.destination], ledger, asOf: AS_OF, kinds: ['invoices'] });
    expect(report.exitCode).toBe(3);
    expect(full.seen.closes).toBe(0);
    const left = unkept(ledger);
    expect(left).toHaveLength(3);

    const next = keepingForLater();
    next.memory.files.push(...full.memory.files);
    expect((await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [next.destination], ledger, asOf: AS_OF, kinds: ['invoices'] })).exitCode).toBe(0);
    expect(next.seen.recorded).toEqual(left);
    expect(unkept(ledger)).toEqual([]);
  });

  it('a close that fails for good stops the destination with exit 3 and leaves its identities unkept', async () => {
    const ledger = freshLedger();
    const { destination, seen } = keepingForLater({ closeError: new DestinationFullError('Dropbox is full') });
    const report = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices'] });
    expect(report.exitCode).toBe(3);
    expect(report.tally.stoppedDestinations.get('memory')?.message).toBe('Dropbox is full');
    expect(unkept(ledger)).toHaveLength(seen.puts);
  });
});
