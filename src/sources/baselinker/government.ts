// KSeF and the version of an invoice. Invoices are always read with get_government_data, so their records now carry
// gov_id, gov_date and gov_status. A version is a hash of the record (store.ts), so those fields must not make every
// invoice a new version on upgrade: ledgers written before this carry hashes of records without them.
import { text, type Wire } from './loose.js';

/**
 * The part of an invoice record that tells one version from another: the record without gov_date and gov_status,
 * which change as KSeF processes an invoice without changing the document, and with gov_id only once it is set. An
 * invoice without a KSeF number therefore hashes exactly as it did before the project asked for government data;
 * a KSeF number that arrives is a new version, whose official PDF now carries that number and its QR code.
 */
export function invoiceVersionRecord(raw: Wire): Wire {
  const { gov_id: govId, gov_date: _date, gov_status: _status, ...record } = raw;
  const ksefNumber = text(govId).trim();
  return ksefNumber === '' ? record : { ...record, gov_id: ksefNumber };
}
