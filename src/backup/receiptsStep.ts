import type { Receipt } from '../domain/documents.js';
import { text, type Wire } from '../sources/baselinker/loose.js';
import { fetchReceipt, scanReceipts } from '../sources/baselinker/lists.js';
import { parseReceiptEntry, receiptTotal, type ReceiptEntry } from '../sources/baselinker/parse.js';
import { deliverEach } from './deliver.js';
import { documentFolder } from './layout.js';
import type { ProduceContext, StepContext } from './run.js';
import { hashRecord, type DocumentVersion } from './store.js';
import { warnOnce, type WarnOnce } from './warnOnce.js';

/**
 * Every receipt from `from` to the end of the as-of date, as PDF (BaseLinker has no receipt files). The list lacks
 * currency and total: the total is the sum of the lines, and the currency is the order's, known from the orders
 * scan; only a receipt whose order was not read costs a getReceipt request.
 */
export async function backupReceipts(c: StepContext, from: number, orderCurrencies: ReadonlyMap<number, string>): Promise<void> {
  let [read, seen] = [0, 0];
  const warn = warnOnce(c.logger);
  c.progress.start('receipts', from, c.asOf.end);
  await deliverEach(c.delivery, scanReceipts(c.api, from, c.asOf.end), (raw) => {
    const entry = c.parseOrSkip('receipts', raw, parseReceiptEntry);
    if (!entry) return null;
    c.progress.advance(++read, entry.issuedAt);
    if (entry.issuedAt > c.asOf.end) return null;
    seen++;
    return {
      doc: receiptDocument(c.config, raw, entry),
      produce: () => receiptPdf(c, entry, orderCurrencies, warn),
      sourceRequests: orderCurrencies.has(entry.orderId) ? 0 : 1,
    };
  });
  const summary = `${seen} in scope, ${c.delivery.tally.stored.receipts} stored`;
  c.progress.end();
  c.logger.info(`receipts: ${summary}`);
}

/** A receipt as a stored document: in the month of its issue, versioned by BaseLinker's list entry. */
export function receiptDocument(config: ProduceContext['config'], raw: Wire, entry: ReceiptEntry): DocumentVersion {
  return {
    kind: 'receipts',
    sourceId: String(entry.id),
    hash: hashRecord(raw),
    number: entry.number,
    issuedAt: entry.issuedAt,
    folder: documentFolder(config, 'receipts', entry.issuedAt),
    extension: 'pdf',
    contentType: 'application/pdf',
  };
}

export async function receiptPdf(c: ProduceContext, entry: ReceiptEntry, orderCurrencies: ReadonlyMap<number, string> = new Map(), warn: WarnOnce = warnOnce(c.logger)): Promise<Uint8Array> {
  // BaseLinker's receipt names no seller: without the configured NIP, ours names none either.
  if (!c.config.nip) warn('nip', 'receipts are rendered without the seller\'s NIP: set BACKUP_NIP (config key "nip")');
  const options = { language: c.config.documents.language, timeZone: c.config.timeZone, sellerNip: c.config.nip ?? undefined };
  return c.renderer.renderReceipt(await completeReceipt(c, entry, orderCurrencies), options);
}

async function completeReceipt(c: ProduceContext, entry: ReceiptEntry, orderCurrencies: ReadonlyMap<number, string>): Promise<Receipt> {
  const currency = orderCurrencies.get(entry.orderId) ?? text((await fetchReceipt(c.api, entry.id)).currency);
  return { ...entry, currency, totalGross: receiptTotal(entry.items) };
}
