// The seller's NIP must be on an invoice (art. 106e ust. 1 pkt 4 of the VAT act). BaseLinker keeps the seller as one
// free text block that often lacks it (both real records seen in public client tests do), so a configured NIP fills in.

/** A NIP or VAT id label, or ten digits grouped as NIPs are written. */
const VAT_ID = /\b(NIP|VAT|USt-?IdNr|DIČ|Tax ID)\b|(^|[^\d-])(\d{10}|\d{3}-\d{3}-\d{2}-\d{2}|\d{3}-\d{2}-\d{2}-\d{3})([^\d-]|$)/i;

export function sellerHasVatId(seller: string): boolean {
  return VAT_ID.test(seller);
}

/** "676-246-12-34" from "6762461234": the grouping Polish invoices print. */
export function formatNip(digits: string): string {
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}` : digits;
}

/** The seller block as printed: BaseLinker's text, plus the configured NIP when the text has none. */
export function sellerBlock(seller: string, configuredNip: string | undefined, label: string): string {
  if (sellerHasVatId(seller) || !configuredNip) return seller;
  return `${seller.replace(/\s+$/, '')}\n${label}: ${formatNip(configuredNip)}`;
}
