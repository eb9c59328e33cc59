// An invoice with exempt ("zw") lines must name the legal basis of the exemption (art. 106e ust. 1 pkt 19 of the VAT
// act: the provision of the act, of Directive 2006/112/EC, or another legal basis). BaseLinker's API carries no such
// field: the invoice record has only the rate code -1. Sellers write the basis into the invoice's additional info,
// so it is taken from there; failing that from the configured default (invoices.exemptionBasis).
import type { Invoice } from '../domain/documents.js';
import { TAX_EXEMPT } from '../domain/documents.js';

/** A line that cites an exemption: art. 43, 113 or 82 of the act, or "zwolnion…"/"exempt" with a provision. */
const CITES_EXEMPTION = /\bart\.\s*(43|113|82)\b|(zwoln|exempt).*(art\.|§|dyrektyw|directive)|(art\.|§|dyrektyw|directive).*(zwoln|exempt)/i;

export function hasExemptLines(invoice: Pick<Invoice, 'items'>): boolean {
  return invoice.items.some((i) => Math.abs(i.taxRate - TAX_EXEMPT) < 1e-6);
}

/** The basis to print, or null when the invoice has exempt lines and none is known (the caller warns). */
export function exemptionBasis(invoice: Pick<Invoice, 'items' | 'additionalInfo'>, configured: string | undefined): string | null {
  const cited = invoice.additionalInfo
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => CITES_EXEMPTION.test(line));
  return cited ?? (configured?.trim() || null);
}
