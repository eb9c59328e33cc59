// Every summary a person reads counts in words that agree with the number: "1 invoice", "2 CSV files of orders",
// "1 BaseLinker request", never "1 invoices", "1 orders files" or "0 s at unpaced".
import { describe, expect, it } from 'vitest';
import { describeEstimate } from '../../src/backup/estimate.js';
import { memoryDestination } from '../../src/destinations/memory/memoryDestination.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { fakeClock } from '../helpers/fakeClock.js';
import { freshLedger, runInProcess, TIME_ZONE } from '../helpers/inProcess.js';

describe('summary lines', () => {
  it("a run's last line: one of each, and none", async () => {
    const shop = demoShop({ asOf: '2026-11-20', timeZone: TIME_ZONE });
    const ledger = freshLedger();
    const destinations = [memoryDestination('memory:a')];
    // Each run a minute after the last: an orders CSV is named after the second of its download.
    const night = (minute: number) => ({ shop, ledger, destinations, asOf: '2026-11-20', clock: fakeClock(Date.UTC(2026, 10, 21, 2, minute)) });
    await runInProcess(night(0));
    // The next run: nothing new but the orders CSV and its lines.
    expect((await runInProcess(night(1))).message).toBe('stored 0 invoices, 0 receipts and 2 CSV files of orders');
    const template = shop.invoices.find((i) => i.number === 'FV/1/11/2026')!;
    shop.invoices.push({ ...structuredClone(template), invoice_id: 9_200_001, number: 'FV/99/11/2026' });
    const receipt = structuredClone(shop.receipts.find((r) => r.receipt_full_nr.endsWith('/11/2026'))!);
    shop.receipts.push({ ...receipt, receipt_id: 9_300_001, receipt_full_nr: 'PAR/99/11/2026' });
    const one = await runInProcess(night(2));
    expect(one.message).toBe('stored 1 invoice, 1 receipt and 2 CSV files of orders');
  });

  it("a dry run's estimate: singular where it is one, and no pace where there is none", () => {
    const text = describeEstimate({
      baselinkerRequests: 1,
      baselinkerSeconds: 1,
      requestsPerMinute: 60,
      destinations: [
        { id: 'local:/srv/backup', files: 1, requests: 0, seconds: 0, pace: null },
        { id: 'gdrive', files: 2, requests: 1, seconds: 0, pace: '0 writes/s' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'the real run needs about 1 BaseLinker request (1 s at 60/min)',
      'local:/srv/backup: 1 file',
      'gdrive: 2 files, about 1 request (unpaced)',
    ]);
    expect(describeEstimate({ baselinkerRequests: 22, baselinkerSeconds: 0, requestsPerMinute: 0, destinations: [] })).toBe('the real run needs about 22 BaseLinker requests (unpaced)');
  });
});
