import type { Invoice } from '../domain/documents.js';
import { fetchInvoice, fetchInvoiceFile, scanInvoices } from '../sources/baselinker/lists.js';
import { text } from '../sources/baselinker/loose.js';
import { parseInvoice } from '../sources/baselinker/parse.js';
import { deliverEach } from './deliver.js';
import { folderFor } from './naming.js';
import type { StepContext } from './run.js';
import { hashRecord } from './store.js';

/** Every BaseLinker-issued invoice from `from` to the end of the as-of date, as PDF, each version once. */
export async function backupInvoices(c: StepContext, from: number): Promise<void> {
  const numbers = new Map<number, string>();
  let [read, seen] = [0, 0];
  c.progress.start('invoices', from, c.asOf.end);
  await deliverEach(c.delivery, scanInvoices(c.api, from), (raw) => {
    const invoice = c.parseOrSkip('invoices', raw, parseInvoice);
    if (!invoice) return null;
    c.progress.advance(++read, invoice.issuedAt);
    numbers.set(invoice.id, invoice.number);
    if (invoice.issuedAt > c.asOf.end) return null;
    seen++;
    const doc = {
      kind: 'invoices' as const,
      sourceId: String(invoice.id),
      hash: hashRecord(raw),
      number: invoice.number,
      issuedAt: invoice.issuedAt,
      folder: folderFor(c.config.rootFolder, 'invoices', invoice.issuedAt, c.config.timeZone),
      extension: 'pdf',
      contentType: 'application/pdf',
    };
    return { doc, produce: () => invoicePdf(c, invoice, numbers), sourceRequests: c.config.invoices.pdf === 'baselinker' ? 1 : 0 };
  });
  const summary = `${seen} in scope, ${c.delivery.tally.stored.invoices} stored`;
  c.progress.end(summary);
  c.logger.info(`invoices: ${summary}`);
}

async function invoicePdf(c: StepContext, invoice: Invoice, numbers: Map<number, string>): Promise<Uint8Array> {
  if (c.config.invoices.pdf === 'baselinker') {
    const official = await fetchInvoiceFile(c.api, invoice.id);
    if (official) return official;
    c.logger.warn(`BaseLinker's PDF of invoice ${invoice.number} is not a PDF; rendering our own instead`);
  }
  return c.renderer.renderInvoice(invoice, {
    language: c.config.documents.language,
    timeZone: c.config.timeZone,
    correctedNumber: invoice.correcting ? await correctedNumber(c, invoice.correcting.invoiceId, numbers) : undefined,
  });
}

/** The number of the invoice a correction corrects: seen in this scan, known to the ledger, or one request. */
async function correctedNumber(c: StepContext, invoiceId: number, numbers: Map<number, string>): Promise<string | undefined> {
  if (invoiceId <= 0) return undefined;
  const known = numbers.get(invoiceId) ?? c.ledger.numberOf('invoices', String(invoiceId));
  if (known) return known;
  const raw = await fetchInvoice(c.api, invoiceId);
  // Only its number is needed: a corrected invoice that is malformed elsewhere must not take its correction down too.
  return raw ? text(raw.number) || undefined : undefined;
}
