import type { Invoice } from '../domain/documents.js';
import { fetchInvoice, fetchInvoiceFile, scanInvoices } from '../sources/baselinker/lists.js';
import { text, type Wire } from '../sources/baselinker/loose.js';
import { parseInvoice } from '../sources/baselinker/parse.js';
import { deliverEach } from './deliver.js';
import { documentFolder } from './layout.js';
import type { ProduceContext, StepContext } from './run.js';
import { hashRecord, type DocumentVersion } from './store.js';

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
    return { doc: invoiceDocument(c.config, raw, invoice), produce: () => invoicePdf(c, invoice, numbers), sourceRequests: c.config.invoices.pdf === 'baselinker' ? 1 : 0 };
  });
  const summary = `${seen} in scope, ${c.delivery.tally.stored.invoices} stored`;
  c.progress.end(summary);
  c.logger.info(`invoices: ${summary}`);
}

/** An invoice as a stored document: in the month of its issue, versioned by BaseLinker's record. */
export function invoiceDocument(config: ProduceContext['config'], raw: Wire, invoice: Invoice): DocumentVersion {
  return {
    kind: 'invoices',
    sourceId: String(invoice.id),
    hash: hashRecord(raw),
    number: invoice.number,
    issuedAt: invoice.issuedAt,
    folder: documentFolder(config, 'invoices', invoice.issuedAt),
    extension: 'pdf',
    contentType: 'application/pdf',
  };
}

/** The PDF to store: BaseLinker's own when asked for and it is one, else ours. */
export async function invoicePdf(c: ProduceContext, invoice: Invoice, numbers: ReadonlyMap<number, string> = new Map()): Promise<Uint8Array> {
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
async function correctedNumber(c: ProduceContext, invoiceId: number, numbers: ReadonlyMap<number, string>): Promise<string | undefined> {
  if (invoiceId <= 0) return undefined;
  const known = numbers.get(invoiceId) ?? c.ledger.numberOf('invoices', String(invoiceId));
  if (known) return known;
  const raw = await fetchInvoice(c.api, invoiceId);
  // Only its number is needed: a corrected invoice that is malformed elsewhere must not take its correction down too.
  return raw ? text(raw.number) || undefined : undefined;
}
