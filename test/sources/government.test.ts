// The version of an invoice: what makes a stored invoice count as changed once the project asks for KSeF data.
import { describe, expect, it } from 'vitest';
import { hashRecord } from '../../src/backup/store.js';
import { invoiceVersionRecord } from '../../src/sources/baselinker/government.js';
import { parseInvoice } from '../../src/sources/baselinker/parse.js';
import { REAL_INVOICE_RECORDS } from '../fixtures/realInvoices.js';

const record = REAL_INVOICE_RECORDS[0]!;
/** What the versions before KSeF stored: a hash of the record as served without get_government_data. */
const hashBeforeUpgrade = hashRecord(record);
const version = (gov: Record<string, unknown>) => hashRecord(invoiceVersionRecord({ ...record, ...gov }));

describe('an invoice version with government data', () => {
  it('is the same version as before the upgrade while the invoice has no KSeF number', () => {
    expect(version({})).toBe(hashBeforeUpgrade);
    expect(version({ gov_id: '', gov_date: 0, gov_status: 0 })).toBe(hashBeforeUpgrade);
    expect(version({ gov_id: null, gov_date: null, gov_status: null })).toBe(hashBeforeUpgrade);
  });

  it('does not change as KSeF processes the invoice: sent, offline, rejected, a date', () => {
    for (const status of [1, 3, 5, '1']) expect(version({ gov_id: '', gov_date: 1_790_000_000, gov_status: status })).toBe(hashBeforeUpgrade);
  });

  it('changes when a KSeF number arrives, and then only with the number', () => {
    const numbered = version({ gov_id: '6762461234-20261102-1A2B3C4D5E6F-7A', gov_date: 1_790_000_000, gov_status: 2 });
    expect(numbered).not.toBe(hashBeforeUpgrade);
    expect(version({ gov_id: ' 6762461234-20261102-1A2B3C4D5E6F-7A', gov_date: 1_790_900_000, gov_status: '2' })).toBe(numbered);
    expect(version({ gov_id: '6762461234-20261102-999999999999-01', gov_status: 2 })).not.toBe(numbered);
  });

  it('is parsed into the domain: the KSeF number, its status and date, or nothing when not sent', () => {
    expect(parseInvoice(record).government).toBeNull();
    expect(parseInvoice({ ...record, gov_id: '', gov_date: 0, gov_status: 0 }).government).toEqual({ id: '', date: null, status: 0 });
    expect(parseInvoice({ ...record, gov_id: 'X-1', gov_date: '1790000000', gov_status: '2' }).government).toEqual({ id: 'X-1', date: 1_790_000_000, status: 2 });
  });
});
