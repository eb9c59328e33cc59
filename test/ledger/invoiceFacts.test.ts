// What a scan reads of each invoice goes into the ledger (for the orders CSV and `status`). Read again unchanged,
// as most are every night, it writes nothing; read changed (a KSeF number arrived), it replaces what was there.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Ledger, type InvoiceFacts } from '../../src/ledger/ledger.js';
import { tempDir } from '../helpers/tempDir.js';

const facts: InvoiceFacts = { invoice_id: '7', order_id: 1007, number: 'FV/7/11/2026', type: 'normal', external: false, issued_at: 1_763_600_000, gov_id: '', gov_status: 1, gov_date: null };

describe('invoice facts in the ledger', () => {
  it('an unchanged read writes nothing; a changed one replaces the facts', () => {
    const dataDir = tempDir('blb-invoice-facts-');
    const ledger = Ledger.open(dataDir);
    const readAt = () => {
      const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT read_at FROM invoices WHERE invoice_id = ?').get('7') as { read_at: number }).read_at;
      } finally {
        db.close();
      }
    };
    ledger.recordInvoice(facts, 1000);
    ledger.recordInvoice(facts, 2000);
    expect(readAt()).toBe(1000);
    expect(ledger.invoiceFacts('7')).toMatchObject(facts);

    const accepted = { ...facts, gov_id: '6762461234-20261110-000000000007-01', gov_status: 2, gov_date: 1_763_700_000 };
    ledger.recordInvoice(accepted, 3000);
    expect(readAt()).toBe(3000);
    expect(ledger.invoiceFacts('7')).toMatchObject(accepted);
    ledger.close();
  });
});
