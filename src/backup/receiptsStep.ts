import type { Receipt } from '../domain/documents.js';
import { text } from '../sources/baselinker/loose.js';
import { fetchReceipt, scanReceipts } from '../sources/baselinker/lists.js';
import { parseReceiptEntry, receiptTotal, type ReceiptEntry } from '../sources/baselinker/parse.js';
import { deliverEach } from './deliver.js';
import { folderFor } from './naming.js';
import type { StepContext } from './run.js';
import { hashRecord } from './store.js';
import { warnOnce } from './warnOnce.js';

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
    const doc = {
      kind: 'receipts' as const,
      sourceId: String(entry.id),
      hash: hashRecord(raw),
      number: entry.number,
      issuedAt: entry.issuedAt,
      folder: folderFor(c.config.rootFolder, 'receipts', entry.issuedAt, c.config.timeZone),
      extension: 'pdf',
      contentType: 'application/pdf',
    };
    const options = { language: c.config.documents.language, timeZone: c.config.timeZone, sellerNip: c.config.nip ?? undefined };
    return {
      doc,
      produce: async () => {
        // BaseLinker's receipt names no seller: without the configured NIP, ours names none either.
        if (!c.config.nip) warn('nip', 'receipts are rendered without the seller\'s NIP: set BACKUP_NIP (config key "nip")');
        return c.renderer.renderReceipt(await completeReceipt(c, entry, orderCurrencies), options);
      },
      sourceRequests: orderCurrencies.has(entry.orderId) ? 0 : 1,
    };
  });
  const summary = `${seen} in scope, ${c.delivery.tally.stored.receipts} stored`;
  c.progress.end(summary);
  c.logger.info(`receipts: ${summary}`);
}

async function completeReceipt(c: StepContext, entry: ReceiptEntry, orderCurrencies: ReadonlyMap<number, string>): Promise<Receipt> {
  const currency = orderCurrencies.get(entry.orderId) ?? text((await fetchReceipt(c.api, entry.id)).currency);
  return { ...entry, currency, totalGross: receiptTotal(entry.items) };
}
