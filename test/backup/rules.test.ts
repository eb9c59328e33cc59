// The run's rules, in one process (the demo shop answered in memory, the memory destination): the first-run
// cutoff, a backfill, the recheck window, versions, and the exit codes. The CLI and HTTP are tested end to end
// elsewhere; these are the decisions themselves, in milliseconds.
import { describe, expect, it } from 'vitest';
import { memoryDestination, type MemoryDestination } from '../../src/destinations/memory/memoryDestination.js';
import type { Destination } from '../../src/destinations/destination.js';
import { DestinationFullError, UnauthorisedError } from '../../src/lib/errors.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { freshLedger, runInProcess, testConfig } from '../helpers/inProcess.js';

const AS_OF = '2026-11-20';
const invoicesIn = (m: MemoryDestination) => m.files.filter((f) => f.path.includes('/Invoices/')).map((f) => f.path.split('/').slice(1).join('/')).sort();

describe('the rules of a run', () => {
  it("the first run takes invoices and receipts from the 1st of its month; later runs keep that cutoff", async () => {
    const shop = demoShop({ asOf: AS_OF });
    const memory = memoryDestination();
    const ledger = freshLedger();
    const first = await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF });
    expect(first.exitCode).toBe(0);
    expect(new Date(first.cutoff * 1000).toISOString()).toBe('2026-10-31T23:00:00.000Z');
    // The demo shop has invoices of October's last days too: not stored.
    expect(invoicesIn(memory).every((p) => p.startsWith('2026/11/'))).toBe(true);
    expect(invoicesIn(memory)).toHaveLength(15);
    const later = await runInProcess({ shop, destinations: [memory], ledger, asOf: '2026-12-01' });
    expect(later.cutoff).toBe(first.cutoff);
    expect(later.tally.stored.invoices).toBe(0);
  });

  it('a backfill moves the cutoff back once and stores the older documents once', async () => {
    const shop = demoShop({ asOf: AS_OF });
    const memory = memoryDestination();
    const ledger = freshLedger();
    await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF });
    const october = shop.invoices.filter((i) => !i.external && new Date(i.date_add * 1000).getUTCMonth() === 9).length;
    expect(october).toBeGreaterThan(0);
    const config = testConfig({ BACKUP_BACKFILL_FROM: 'all' });
    const backfilled = await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF, config });
    expect(backfilled.cutoff).toBe(0);
    expect(backfilled.tally.stored.invoices).toBe(october);
    const again = await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF, config });
    expect(again.tally.stored.invoices).toBe(0);
  });

  it('an edit inside the recheck window is a new version beside the original; the original stays', async () => {
    const shop = demoShop({ asOf: AS_OF });
    const memory = memoryDestination();
    const ledger = freshLedger();
    await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF });
    const original = memory.files.find((f) => f.path.endsWith('/FV_12_11_2026.pdf'))!;
    const bytes = Buffer.from(original.bytes);
    shop.invoices.find((i) => i.number === 'FV/12/11/2026')!.invoice_fullname = 'Zofia Żółkiewska';
    const next = await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF });
    expect(next.tally.stored.invoices).toBe(1);
    expect(invoicesIn(memory)).toContain('2026/11/Invoices/FV_12_11_2026 (v2).pdf');
    expect(memory.files.find((f) => f.path.endsWith('/FV_12_11_2026.pdf'))!.bytes.equals(bytes)).toBe(true);
  });

  it('an edit older than the recheck window is not looked for again', async () => {
    const shop = demoShop({ asOf: AS_OF });
    const memory = memoryDestination();
    const ledger = freshLedger();
    const config = testConfig({ BACKUP_DOCUMENTS_RECHECK_DAYS: '0' });
    await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF, config });
    shop.invoices.find((i) => i.number === 'FV/1/11/2026')!.invoice_fullname = 'Edited long after';
    const next = await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF, config });
    expect(next.tally.stored.invoices).toBe(0);
  });

  it('a destination that refuses for good: exit 3, the others get everything; every destination signed out: exit 5', async () => {
    const shop = demoShop({ asOf: AS_OF });
    const good = memoryDestination('memory:good');
    const inner = memoryDestination('memory:full');
    let puts = 0;
    const full: Destination = {
      ...inner,
      put: async (request) => {
        if (++puts > 3) throw new DestinationFullError('the memory is full');
        return inner.put(request);
      },
    };
    const report = await runInProcess({ shop, destinations: [good, full], ledger: freshLedger(), asOf: AS_OF });
    expect(report.exitCode).toBe(3);
    expect(invoicesIn(good)).toHaveLength(15);
    expect(inner.files).toHaveLength(3);
    expect(report.tally.stoppedDestinations.get('memory:full')).toBeInstanceOf(DestinationFullError);

    const signedOut = (id: string): Destination => ({ ...memoryDestination(id), check: async () => { throw new UnauthorisedError(`${id} is signed out`); } });
    await expect(runInProcess({ shop, destinations: [signedOut('memory:a'), signedOut('memory:b')], ledger: freshLedger(), asOf: AS_OF })).rejects.toBeInstanceOf(UnauthorisedError);
  });

  it('a malformed record fails alone: exit 3, everything else stored, and it is stored once fixed', async () => {
    const shop = demoShop({ asOf: AS_OF });
    const broken = shop.invoices.find((i) => i.number === 'FV/7/11/2026')!;
    const total = broken.total_price_brutto;
    (broken as unknown as { total_price_brutto: string }).total_price_brutto = 'twelve';
    const memory = memoryDestination();
    const ledger = freshLedger();
    const report = await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF });
    expect(report.exitCode).toBe(3);
    expect(report.tally.failed.invoices).toBe(1);
    expect(invoicesIn(memory)).toHaveLength(14);
    broken.total_price_brutto = total;
    const fixed = await runInProcess({ shop, destinations: [memory], ledger, asOf: AS_OF });
    expect(fixed.exitCode).toBe(0);
    expect(invoicesIn(memory)).toHaveLength(15);
  });

  it('a dry run reserves its plan in the ledger it is given and stores nothing', async () => {
    const memory = memoryDestination();
    const report = await runInProcess({ shop: demoShop({ asOf: AS_OF }), destinations: [memory], ledger: freshLedger(), asOf: AS_OF, dryRun: true });
    expect(report.exitCode).toBe(0);
    expect(memory.files).toEqual([]);
    expect(report.tally.planned.filter((p) => p.path.includes('/Invoices/'))).toHaveLength(15);
  });
});
