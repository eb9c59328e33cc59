// A new user cannot guess that a first backup starts at the 1st of its month: the first run says what it leaves out
// and how to copy it, and a run as of a date before the cutoff says why it finds nothing instead of "0 in scope".
import { describe, expect, it } from 'vitest';
import { memoryDestination } from '../../src/destinations/memory/memoryDestination.js';
import type { Logger } from '../../src/lib/logger.js';
import { demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { freshLedger, runInProcess, testConfig, TIME_ZONE } from '../helpers/inProcess.js';

function recordingLogger() {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const logger = { error: record('error'), warn: record('warn'), info: record('info'), debug: () => undefined } as unknown as Logger;
  return { logger, lines, about: (word: string) => lines.filter((l) => l.includes(word)) };
}

const FIRST_RUN = 'info first run: invoices and receipts are backed up from 2026-11-01 on; older ones are not copied unless BACKUP_BACKFILL_FROM names where to start (a date such as 2026-10-01, or "all"), once';

describe('the first-run cutoff, explained', () => {
  it('the first run says from when it backs up and how to copy what is older; the second says nothing of it', async () => {
    const shop = demoShop({ asOf: '2026-11-20', timeZone: TIME_ZONE });
    const ledger = freshLedger();
    const destinations = [memoryDestination('memory:a')];
    const first = recordingLogger();
    await runInProcess({ shop, ledger, destinations, asOf: '2026-11-20', logger: first.logger });
    expect(first.about('first run')).toEqual([FIRST_RUN]);
    const second = recordingLogger();
    await runInProcess({ shop, ledger, destinations, asOf: '2026-11-20', logger: second.logger });
    expect(second.about('cutoff')).toEqual([]);
    expect(second.about('first run')).toEqual([]);
  });

  it('a dry run on a new data dir says it too', async () => {
    const hint = recordingLogger();
    await runInProcess({ shop: demoShop({ asOf: '2026-11-20', timeZone: TIME_ZONE }), ledger: freshLedger(), destinations: [memoryDestination('memory:a')], asOf: '2026-11-20', dryRun: true, logger: hint.logger });
    expect(hint.about('first run')).toEqual([FIRST_RUN]);
  });

  it('with backfillFrom, the first run says where it starts and gives no advice', async () => {
    const hint = recordingLogger();
    const config = testConfig({ BACKUP_BACKFILL_FROM: '2026-10-01' });
    await runInProcess({ shop: demoShop({ asOf: '2026-11-20', timeZone: TIME_ZONE }), ledger: freshLedger(), destinations: [memoryDestination('memory:a')], asOf: '2026-11-20', config, logger: hint.logger });
    expect(hint.about('first run')).toEqual(['info first run: invoices and receipts are backed up from 2026-10-01 on (BACKUP_BACKFILL_FROM 2026-10-01)']);
  });

  it('--date before the cutoff: says why nothing is in scope and what copies it', async () => {
    const shop = demoShop({ asOf: '2026-11-20', timeZone: TIME_ZONE });
    const ledger = freshLedger();
    const destinations = [memoryDestination('memory:a')];
    await runInProcess({ shop, ledger, destinations, asOf: '2026-11-20' });
    const before = recordingLogger();
    const report = await runInProcess({ shop, ledger, destinations, asOf: '2026-10-15', kinds: ['invoices', 'receipts'], logger: before.logger });
    expect(report.tally.stored).toMatchObject({ invoices: 0, receipts: 0 });
    expect(before.about('cutoff')).toEqual([
      'warn 2026-10-15 is before the first-run cutoff 2026-11-01: its invoices and receipts are not backed up; BACKUP_BACKFILL_FROM=2026-10-01 (or "all") copies them once, on the next run',
    ]);
  });
});
