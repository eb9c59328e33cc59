import type { Invoice } from '../domain/documents.js';
import { invoiceTotals } from '../render/amounts.js';
import { exemptionBasis, hasExemptLines } from '../render/exemptionBasis.js';
import type { CorrectedInvoice } from '../render/invoicePdf.js';
import { sellerHasVatId } from '../render/sellerVatId.js';
import { invoiceVersionRecord } from '../sources/baselinker/government.js';
import { CONTENT_TYPE, EXTENSION } from '../sources/baselinker/invoiceFile.js';
import { fetchInvoice, fetchInvoiceFile, scanInvoices, scanInvoicesWithExternal, type ScannedInvoice } from '../sources/baselinker/lists.js';
import { num, text, type Wire } from '../sources/baselinker/loose.js';
import { parseInvoice } from '../sources/baselinker/parse.js';
import { deliverEach, type Delivery } from './deliver.js';
import { documentFolder } from './layout.js';
import type { ProduceContext, StepContext } from './run.js';
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
      recordInvoice(c, invoice, external);
      if (invoice.issuedAt > c.asOf.end) continue;
      seen++;
      if (external) {
        const delivery = await externalDelivery(c, raw, invoice);
        if (delivery) yield delivery;
        continue;
      }
      const official = c.config.invoices.pdf === 'baselinker';
      yield { doc: invoiceDocument(c.config, raw, invoice), produce: () => invoicePdf(c, invoice, warn), sourceRequests: official ? 1 : 0 };
    }
  }

  await deliverEach(c.delivery, deliveries(), (delivery) => delivery);
  const summary = `${seen} in scope, ${c.delivery.tally.stored.invoices} stored`;
  c.progress.end();
  c.logger.info(`invoices: ${summary}`);
}

async function* ownOnly(scan: AsyncIterable<Wire>): AsyncGenerator<ScannedInvoice> {
  for await (const raw of scan) yield { raw, external: false };
}

/**
 * A BaseLinker-issued invoice as a stored document: in the month of its issue, versioned by BaseLinker's record
 * (its KSeF number included once it has one; the PDF's bytes are not the version, so a new layout stores nothing).
 */
export function invoiceDocument(config: ProduceContext['config'], raw: Wire, invoice: Invoice): DocumentVersion {
  return {
    kind: 'invoices',
    sourceId: String(invoice.id),
    hash: hashRecord(invoiceVersionRecord(raw)),
    number: invoice.number,
    issuedAt: invoice.issuedAt,
    folder: documentFolder(config, 'invoices', invoice.issuedAt),
    extension: 'pdf',
    contentType: 'application/pdf',
  };
}

/** An invoice an external system issued, before its file is read: named by its external number. */
export function externalInvoiceDocument(config: ProduceContext['config'], raw: Wire, invoice: Invoice): DocumentVersion {
  return {
    ...invoiceDocument(config, raw, invoice),
    hash: hashRecord({ external: true, record: invoiceVersionRecord(raw) }),
    number: invoice.externalNumber || invoice.number,
    contentType: CONTENT_TYPE.unknown,
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
 * An external accounting system's invoice, stored with the extension its bytes call for (a PDF, or XML where the
 * country's e-invoice is XML). The file is read before the delivery, since its kind decides the name, and only when
 * some destination still needs this version (the dry run reads it too, so that it plans the same name).
 */
async function externalDelivery(c: StepContext, raw: Wire, invoice: Invoice): Promise<Delivery | null> {
  const planned = externalInvoiceDocument(c.config, raw, invoice);
  // A destination stopped this run (full, signed out) gets nothing more: its need is no reason for a download.
  const open = c.delivery.destinations.filter((d) => !c.delivery.tally.stoppedDestinations.has(d.id));
  if (!open.some((d) => needsStoring(c.ledger, d.id, planned))) return null;
  const file = await externalFile(c, invoice);
  return { doc: { ...planned, ...file.named }, produce: async () => file.bytes, sourceRequests: 0 };
}

/** The external system's file of an invoice, and the number and extension it is stored under. */
export async function externalFile(c: ProduceContext, invoice: Invoice): Promise<{ bytes: Uint8Array; named: Pick<DocumentVersion, 'number' | 'extension' | 'contentType'> }> {
  const file = await fetchInvoiceFile(c.api, invoice.id, { external: true });
  const number = invoice.externalNumber || file.number || invoice.number;
  if (file.kind === 'unknown') c.logger.warn(`the external file of invoice ${number} is neither PDF, XML nor an image; stored as it came, with .bin`);
  return { bytes: file.bytes, named: { number, extension: EXTENSION[file.kind], contentType: CONTENT_TYPE[file.kind] } };
}

/** The PDF to store: BaseLinker's own, checked by its bytes, unless invoices.pdf = "render" or it is not a PDF. */
export async function invoicePdf(c: ProduceContext, invoice: Invoice, warn: WarnOnce = warnOnce(c.logger)): Promise<Uint8Array> {
  if (c.config.invoices.pdf === 'baselinker') {
    const file = await fetchInvoiceFile(c.api, invoice.id, { external: false });
    if (file.kind === 'pdf') return file.bytes;
    c.logger.warn(`BaseLinker's PDF of invoice ${invoice.number} is not a PDF; rendering our own instead`);
  }
  return renderOurs(c, invoice, warn);
}

/** Our rendering, with a warning for each thing it had to print differently from the record or leave out. */
async function renderOurs(c: ProduceContext, invoice: Invoice, warn: WarnOnce): Promise<Uint8Array> {
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
async function correctedInvoice(c: ProduceContext, invoiceId: number): Promise<CorrectedInvoice | undefined> {
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
