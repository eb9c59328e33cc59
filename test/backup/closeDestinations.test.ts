// A destination that keeps identities for later (the inventories of OneDrive and Dropbox) writes them in close(): the
// run marks them kept only then; one that cannot write them, or stopped during the run, leaves them to the next run,
// which hands them over (recordIdentities). Either way the documents are stored once; a close that fails for a
// reason the operator must fix (a full account) stops the destination like any other put would.
import winston from 'winston';
import Transport from 'winston-transport';
import { describe, expect, it } from 'vitest';
import { DestinationFullError } from '../../src/lib/errors.js';
import { memoryDestination } from '../../src/destinations/memory/memoryDestination.js';
import type { Destination } from '../../src/destinations/destination.js';
import type { Logger } from '../../src/lib/logger.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { freshLedger, runInProcess } from '../helpers/inProcess.js';

const AS_OF = '2026-11-20';

function capturingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const sink = new (class extends Transport {
    override log(info: { level: string; message: unknown }, next: () => void) {
      if (info.level === 'warn') warnings.push(String(info.message));
      next();
    }
  })();
  return Object.assign(winston.createLogger({ transports: [sink] }), { warnings });
}

/** The memory destination, keeping identities for close(); close() fails (with `closeError`) while `failing` is set. */
function batching(o: { failing?: boolean; fullAfter?: number; closeError?: Error } = {}) {
  const memory = memoryDestination();
  const state = { closes: 0, recorded: 0, failing: o.failing ?? false };
  let puts = 0;
  const destination: Destination = {
    ...memory,
    async put(request) {
      if (o.fullAfter !== undefined && ++puts > o.fullAfter) throw new DestinationFullError('memory is full');
      return { ...(await memory.put(request)), identityPending: true };
    },
    async recordIdentities(files) {
      state.recorded += files.length;
      await memory.recordIdentities(files);
    },
    async close() {
      state.closes++;
      if (state.failing) throw o.closeError ?? new Error('HTTP 503 while writing the inventory');
    },
  };
  return { destination, memory, state };
}

describe('closing destinations that keep identities for later', () => {
  it('marks the identities kept once close() has written them', async () => {
    const { destination, state } = batching();
    const ledger = freshLedger();
    const report = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices'] });
    expect(report.exitCode).toBe(0);
    expect(state.closes).toBe(1);
    expect(ledger.documents('memory').filter((r) => r.status === 'stored').length).toBeGreaterThan(3);
    expect(ledger.withoutIdentity('memory')).toEqual([]);
  });

  it('a close() that fails is a warning: the documents are stored, and the next run hands their identities over', async () => {
    const { destination, state } = batching({ failing: true });
    const ledger = freshLedger();
    const logger = capturingLogger();
    const first = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices'], logger });
    expect(first.exitCode).toBe(0);
    expect(logger.warnings).toContainEqual(expect.stringMatching(/^memory: could not record which documents this run stored there \(HTTP 503 .*\); the next run records them$/));
    const unkept = ledger.withoutIdentity('memory').length;
    expect(unkept).toBe(ledger.documents('memory').filter((r) => r.status === 'stored').length);

    state.failing = false;
    const second = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices'] });
    expect(second.exitCode).toBe(0);
    expect(second.tally.stored.invoices).toBe(0);
    expect(state.recorded).toBe(unkept);
    expect(ledger.withoutIdentity('memory')).toEqual([]);
  });

  it('a destination that stopped during the run is not closed; what it stored is handed over next time', async () => {
    const { destination, state } = batching({ fullAfter: 2 });
    const ledger = freshLedger();
    const report = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices'] });
    expect(report.exitCode).toBe(3);
    expect(state.closes).toBe(0);
    expect(ledger.withoutIdentity('memory')).toHaveLength(2);
  });

  it('a close that fails for good (the account is full) stops the destination with exit 3, its identities unkept', async () => {
    const { destination } = batching({ failing: true, closeError: new DestinationFullError('Dropbox is full') });
    const ledger = freshLedger();
    const report = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [destination], ledger, asOf: AS_OF, kinds: ['invoices'] });
    expect(report.exitCode).toBe(3);
    expect(report.tally.stoppedDestinations.get('memory')?.message).toBe('Dropbox is full');
    expect(ledger.withoutIdentity('memory')).toHaveLength(ledger.documents('memory').filter((r) => r.status === 'stored').length);
  });
});
