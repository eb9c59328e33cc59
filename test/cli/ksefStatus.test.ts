// `backup status` on KSeF: how many stored invoices have their KSeF number, and which issued more than two days ago
// still have none, by what BaseLinker says of them.
import { describe, expect, it } from 'vitest';
import { readStatus } from '../../src/cli/statusCommand.js';
import { loadConfig } from '../../src/config/config.js';
import { Ledger, type InvoiceFacts } from '../../src/ledger/ledger.js';
import { tempDir } from '../helpers/tempDir.js';

const DAY = 86_400;
const NOW = Date.parse('2026-11-20T12:00:00+01:00');
const at = (daysAgo: number) => Math.floor(NOW / 1000) - daysAgo * DAY;

function invoice(id: number, daysAgo: number, gov: Partial<InvoiceFacts> = {}): InvoiceFacts {
  return { invoice_id: String(id), order_id: 1000 + id, number: `FV/${id}/11/2026`, type: 'normal', external: false, issued_at: at(daysAgo), gov_id: '', gov_status: 0, gov_date: null, ...gov };
}

describe('KSeF in backup status', () => {
  it('counts stored invoices since KSeF began, and those past two days without a number by their status', () => {
    const dataDir = tempDir('blb-ksef-status-');
    const ledger = Ledger.open(dataDir);
    const facts = [
      invoice(1, 10, { gov_id: '6762461234-20261110-000000000001-01', gov_status: 2, gov_date: at(10) }),
      invoice(2, 9, { gov_status: 3 }), // rejected
      invoice(3, 8, { gov_status: 5 }), // offline, never sent on
      invoice(4, 7), // never sent
      invoice(5, 1, { gov_status: 1 }), // sent yesterday: still within the two days
      invoice(6, 400), // before KSeF: not counted
      invoice(7, 3, { gov_status: 1 }), // read, but never stored: not counted
    ];
    for (const f of facts) {
      ledger.recordInvoice(f);
      if (f.invoice_id === '7') continue;
      const row = ledger.reserve({ destination: 'local:x', kind: 'invoices', source_id: f.invoice_id, version: 1, source_hash: 'h', number: f.number, folder: 'F', name: `${f.invoice_id}.pdf`, token: `t${f.invoice_id}`, issued_at: f.issued_at, run_id: null });
      ledger.markStored(row.id, { location: 'x', size: 1, sha256: 'x', checksum: null, identityKept: true, runId: null });
    }
    ledger.close();

    const status = readStatus(loadConfig({ BACKUP_DESTINATION: 'local:/tmp/x', BACKUP_DATA_DIR: dataDir }, dataDir), 5, NOW);
    expect(status.ksef).toEqual({
      since: '2026-02-01',
      invoices: 5,
      withKsefNumber: 1,
      missing: 3,
      missingByStatus: { rejected: 1, offline: 1, 'not sent': 1 },
      missingExamples: ['FV/2/11/2026', 'FV/3/11/2026', 'FV/4/11/2026'],
    });
  });

  it('says nothing of KSeF before any invoice is stored', () => {
    const dataDir = tempDir('blb-ksef-status-');
    Ledger.open(dataDir).close();
    expect(readStatus(loadConfig({ BACKUP_DESTINATION: 'local:/tmp/x', BACKUP_DATA_DIR: dataDir }, dataDir), 5, NOW).ksef).toBeNull();
  });
});
