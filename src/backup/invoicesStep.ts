import type { Invoice } from '../domain/documents.js';
import { invoiceTotals } from '../render/amounts.js';
import { exemptionBasis, hasExemptLines } from '../render/exemptionBasis.js';
import type { CorrectedInvoice } from '../render/invoicePdf.js';
import { sellerHasVatId } from '../render/sellerVatId.js';
import { invoiceVersionRecord } from '../sources/baselinker/government.js';
import { CONTENT_TYPE, EXTENSION } from '../sources/baselinker/invoiceFile.js';
import { fetchInvoice, fetchInvoiceFile, scanInvoices, scanInvoicesWithExternal, type ScannedInvoice } from '../sources/baselinker/lists.js';
import { num, text } from '../sources/baselinker/loose.js';
import { parseInvoice } from '../sources/baselinker/parse.js';
import { deliverEach, type Delivery } from './deliver.js';
import { folderFor } from './naming.js';
import type { StepContext } from './run.js';
import { hashRecord, needsStoring, type DocumentVersion } from './store.js';
import { warnOnce, type WarnOnce } from './warnOnce.js';

/**
 * Every invoice from `from` to the end of the as-of date, each version once: BaseLinker's own PDF (the official
 * copy, with its KSeF number and QR code once KSeF accepted it), or our rendering where BaseLinker has none or with
 * invoices.pdf = "render"; with invoices.external, also the files external accounting systems made. What each scan
 * reads of an invoice (its order, its KSeF number and status) goes into the ledger for the orders CSV and `status`.
 */
export async function backupInvoices(c: StepContext, from: number): Promise<void> {
  let [read, seen] = [0, 0];
  const warn = warnOnce(c.logger);
  c.progress.start('invoices', from, c.asOf.end);
  const scan: AsyncIterable<ScannedInvoice> = c.config.invoices.external ? scanInvoicesWithExternal(c.api, from) : ownOnly(scanInvoices(c.api, from));

  async function* deliveries(): AsyncGenerator<Delivery> {
    for await (const { raw, external } of scan) {
      const invoice = c.parseOrSkip('invoices', raw, parseInvoice);
      if (!invoice) continue;
      c.progress.advance(++read, invoice.issuedAt);
      if (!c.delivery.dryRun) recordInvoice(c, invoice, external);
      if (invoice.issuedAt > c.asOf.end) continue;
      seen++;
      const version = invoiceVersionRecord(raw);
      if (external) {
        const delivery = await externalDelivery(c, invoice, hashRecord({ external: true, record: version }));
        if (delivery) yield delivery;
        continue;
      }
      const official = c.config.invoices.pdf === 'baselinker';
      yield {
        doc: invoiceDocument(c, invoice, { hash: hashRecord(version), number: invoice.number, extension: 'pdf' }),
        produce: () => (official ? officialPdf(c, invoice, warn) : renderOurs(c, invoice, warn)),
        sourceRequests: official ? 1 : 0,
      };
    }
  }

  await deliverEach(c.delivery, deliveries(), (delivery) => delivery);
  const summary = `${seen} in scope, ${c.delivery.tally.stored.invoices} stored`;
  c.progress.end(summary);
  c.logger.info(`invoices: ${summary}`);
}

async function* ownOnly(scan: AsyncIterable<Record<string, unknown>>): AsyncGenerator<ScannedInvoice> {
  for await (const raw of scan) yield { raw, external: false };
}

function invoiceDocument(c: StepContext, invoice: Invoice, v: { hash: string; number: string; extension: string }): DocumentVersion {
  return {
    kind: 'invoices',
    sourceId: String(invoice.id),
    hash: v.hash,
    number: v.number,
    issuedAt: invoice.issuedAt,
    folder: folderFor(c.config.rootFolder, 'invoices', invoice.issuedAt, c.config.timeZone),
    extension: v.extension,
    contentType: v.extension === 'pdf' ? 'application/pdf' : CONTENT_TYPE.unknown,
  };
}

function recordInvoice(c: StepContext, invoice: Invoice, external: boolean): void {
  c.ledger.recordInvoice({
    invoice_id: String(invoice.id),
    order_id: invoice.orderId,
    // An external invoice is known by its external system's number, as it is stored.
    number: external ? invoice.externalNumber || invoice.number : invoice.number,
    type: invoice.type,
    external,
    issued_at: invoice.issuedAt,
    gov_id: invoice.government?.id ?? '',
    gov_status: invoice.government?.status ?? 0,
    gov_date: invoice.government?.date ?? null,
  });
}

/**
 * An external accounting system's invoice, named by its external number and stored with the extension its bytes
 * call for (a PDF, or XML where the country's e-invoice is XML). The file is fetched before the delivery, since its
 * kind decides the name, and only when some destination still needs this version; a dry run assumes a PDF.
 */
async function externalDelivery(c: StepContext, invoice: Invoice, hash: string): Promise<Delivery | null> {
  const number = invoice.externalNumber || invoice.number;
  const planned = invoiceDocument(c, invoice, { hash, number, extension: 'pdf' });
  const needed = c.delivery.destinations.filter((d) => needsStoring(c.ledger, d, planned));
  if (needed.length === 0) return null;
  if (c.delivery.dryRun) return { doc: planned, produce: async () => new Uint8Array(), sourceRequests: 1 };
  const file = await fetchInvoiceFile(c.api, invoice.id, { external: true });
  if (file.kind === 'unknown') c.logger.warn(`the external file of invoice ${number} is neither PDF, XML nor an image; stored as it came, with .bin`);
  const doc = { ...planned, number: invoice.externalNumber || file.number || invoice.number, extension: EXTENSION[file.kind], contentType: CONTENT_TYPE[file.kind] };
  return { doc, produce: async () => file.bytes, sourceRequests: 0 };
}

/** BaseLinker's own PDF, checked by its bytes; ours when what BaseLinker sends is not a whole PDF. */
async function officialPdf(c: StepContext, invoice: Invoice, warn: WarnOnce): Promise<Uint8Array> {
  const file = await fetchInvoiceFile(c.api, invoice.id, { external: false });
  if (file.kind === 'pdf') return file.bytes;
  c.logger.warn(`BaseLinker's PDF of invoice ${invoice.number} is not a PDF; rendering our own instead`);
  return renderOurs(c, invoice, warn);
}

/** Our rendering, with a warning for each thing it had to print differently from the record or leave out. */
async function renderOurs(c: StepContext, invoice: Invoice, warn: WarnOnce): Promise<Uint8Array> {
  const { disagreement } = invoiceTotals(invoice);
  if (disagreement) c.logger.warn(`invoice ${invoice.number}: ${disagreement}`);
  if (!c.config.nip && !sellerHasVatId(invoice.seller)) {
    warn('nip', `BaseLinker's seller text of invoice ${invoice.number} has no NIP: set BACKUP_NIP (config key "nip") so that rendered invoices carry it`);
  }
  if (hasExemptLines(invoice) && !exemptionBasis(invoice, c.config.invoices.exemptionBasis ?? undefined)) {
    warn(
      'exemption',
      `invoice ${invoice.number} has exempt ("zw") lines but names no legal basis for the exemption: add it to the invoice's additional info in BaseLinker, or set BACKUP_INVOICES_EXEMPTION_BASIS`,
    );
  }
  return c.renderer.renderInvoice(invoice, {
    language: c.config.documents.language,
    timeZone: c.config.timeZone,
    corrected: invoice.correcting ? await correctedInvoice(c, invoice.correcting.invoiceId) : undefined,
    sellerNip: c.config.nip ?? undefined,
    exemptionBasis: c.config.invoices.exemptionBasis ?? undefined,
  });
}

/** The invoice a correction corrects: known to the ledger (this scan records every invoice it reads), or one request. */
async function correctedInvoice(c: StepContext, invoiceId: number): Promise<CorrectedInvoice | undefined> {
  if (invoiceId <= 0) return undefined;
  const known = c.ledger.invoiceFacts(String(invoiceId));
  if (known) return { number: known.number, issuedAt: known.issued_at, ksefNumber: known.gov_id };
  const raw = await fetchInvoice(c.api, invoiceId);
  if (!raw) return undefined;
  // Only these fields are needed: a corrected invoice that is malformed elsewhere must not take its correction down too.
  let issuedAt: number | null = null;
  try {
    issuedAt = num(raw.date_add, 'date_add') || null;
  } catch {
    issuedAt = null;
  }
  const number = text(raw.number).trim();
  return number ? { number, issuedAt, ksefNumber: text(raw.gov_id).trim() } : undefined;
}
