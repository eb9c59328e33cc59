// The sample documents every render test uses, rendered with the options a backup run would use.
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { renderReceiptPdf } from '../../src/render/receiptPdf.js';
import { correctingInvoice, eurInvoice, longInvoice, plnInvoice, receipt } from '../fixtures/documents.js';

const zone = 'Europe/Warsaw';

/** What a correcting invoice needs of plnInvoice, the invoice it corrects. */
export const CORRECTED = { number: plnInvoice.number, issuedAt: plnInvoice.issuedAt, ksefNumber: plnInvoice.government!.id };

export const SAMPLES = {
  'invoice-pln': () => renderInvoicePdf(plnInvoice, { language: 'pl', timeZone: zone, exemptionBasis: 'art. 43 ust. 1 pkt 37 ustawy o VAT' }),
  'invoice-correcting': () => renderInvoicePdf(correctingInvoice, { language: 'pl', timeZone: zone, corrected: CORRECTED }),
  'invoice-eur-en': () => renderInvoicePdf(eurInvoice, { language: 'en', timeZone: zone }),
  'invoice-120-items': () => renderInvoicePdf(longInvoice, { language: 'pl', timeZone: zone }),
  'receipt-pl': () => renderReceiptPdf(receipt, { language: 'pl', timeZone: zone }),
} satisfies Record<string, () => Promise<Uint8Array>>;

export type SampleName = keyof typeof SAMPLES;

/** Collapses whitespace so assertions do not depend on how pdftotext breaks lines. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}
