// Clean domain types. BaseLinker's loose wire values (numbers in strings, "0"/"1" flags, "" for none) are parsed
// once in src/sources/baselinker and never seen past it. Timestamps stay Unix seconds, as the API gives them.

/** VAT rate in percent (0–100), or one of BaseLinker's special codes. */
export type TaxRate = number;
export const TAX_EXEMPT = -1; // "zw"
export const TAX_NOT_SUBJECT = -0.02; // "np"
export const TAX_REVERSE_CHARGE = -0.03; // "oo"

export interface Buyer {
  fullName: string;
  company: string;
  vatId: string;
  address: string;
  postcode: string;
  city: string;
  country: string;
  countryCode: string;
}

export interface InvoiceItem {
  name: string;
  sku: string;
  ean: string;
  /** Unit prices. */
  priceGross: number;
  priceNet: number;
  taxRate: TaxRate;
  quantity: number;
  /** Unit of measure as the record gives it; empty when it gives none. */
  unit: string;
  isShipment: boolean;
}

/**
 * What BaseLinker knows of an invoice's fate in the government e-invoicing system (in Poland KSeF), sent only
 * when asked for with get_government_data. `id` is the KSeF number, empty until KSeF has accepted the invoice.
 */
export interface GovernmentData {
  id: string;
  /** Unix seconds, or null when none. */
  date: number | null;
  /** BaseLinker's gov_status: 1 sent, 2 accepted, 3 rejected, 5 offline mode; 0 when never sent. */
  status: number;
}

const GOVERNMENT_STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'not sent'],
  [1, 'sent'],
  [2, 'accepted'],
  [3, 'rejected'],
  [5, 'offline'],
]);

/** "accepted", "rejected", …; a status BaseLinker adds later is shown by its code. */
export function governmentStatusName(status: number): string {
  return GOVERNMENT_STATUS_NAMES.get(status) ?? `status ${status}`;
}

export interface ExchangeInfo {
  currency: string;
  rate: number;
  /** As BaseLinker gives it, e.g. "2026-11-10"; may be empty. */
  date: string;
  /** Free text, e.g. the NBP table number. */
  info: string;
}

export interface Invoice {
  kind: 'invoice';
  id: number;
  orderId: number;
  seriesId: number;
  type: 'normal' | 'correcting';
  number: string;
  /** Unix seconds. */
  issuedAt: number;
  soldAt: number;
  /** Unix seconds, or null when the invoice has no due date. */
  payTo: number | null;
  currency: string;
  totalGross: number;
  totalNet: number;
  paymentMethod: string;
  additionalInfo: string;
  buyer: Buyer;
  /** One multi-line block, as BaseLinker stores it. */
  seller: string;
  issuer: string;
  correcting: { invoiceId: number; reason: string } | null;
  exchange: ExchangeInfo | null;
  /** The number an external accounting system gave the invoice, empty when none. */
  externalNumber: string;
  /** Null when BaseLinker sent no government data (it was not asked, or predates KSeF). */
  government: GovernmentData | null;
  items: InvoiceItem[];
}

export interface ReceiptItem {
  name: string;
  sku: string;
  ean: string;
  /** Unit gross price. */
  priceGross: number;
  taxRate: TaxRate;
  quantity: number;
}

export interface Receipt {
  kind: 'receipt';
  id: number;
  seriesId: number;
  number: string;
  orderId: number;
  issuedAt: number;
  paymentMethod: string;
  /** Buyer's VAT id (NIP), empty when none. */
  vatId: string;
  currency: string;
  totalGross: number;
  items: ReceiptItem[];
}

export interface OrderProduct {
  orderProductId: string;
  name: string;
  sku: string;
  ean: string;
  productId: string;
  variantId: string;
  attributes: string;
  /** Unit gross price. */
  priceGross: number;
  taxRate: TaxRate;
  quantity: number;
  weight: number;
  /** Where the product came from: "db" (BaseLinker's inventory), "shop", "warehouse", with its id. */
  storage: string;
  storageId: string;
  warehouseId: string;
  location: string;
  auctionId: string;
  bundleId: string;
}

export interface Address {
  fullName: string;
  company: string;
  address: string;
  postcode: string;
  city: string;
  state: string;
  country: string;
  countryCode: string;
}

export interface Order {
  id: number;
  shopOrderId: number;
  externalOrderId: string;
  source: string;
  sourceId: number;
  statusId: number;
  confirmed: boolean;
  /** Unix seconds. */
  addedAt: number;
  confirmedAt: number;
  inStatusSince: number;
  userLogin: string;
  email: string;
  phone: string;
  currency: string;
  paymentMethod: string;
  paymentCod: boolean;
  paymentDone: number;
  deliveryMethod: string;
  deliveryPrice: number;
  deliveryPackageModule: string;
  deliveryPackageNr: string;
  delivery: Address;
  deliveryPoint: { id: string; name: string; address: string; postcode: string; city: string };
  invoice: Address & { vatId: string };
  wantInvoice: boolean;
  userComments: string;
  adminComments: string;
  extraField1: string;
  extraField2: string;
  orderPage: string;
  pickState: number;
  packState: number;
  products: OrderProduct[];
}

/** Gross total of an order: BaseLinker has no total field. Rounded to cents. */
export function orderGrossTotal(order: Pick<Order, 'products' | 'deliveryPrice'>): number {
  const cents = order.products.reduce((sum, p) => sum + Math.round(p.priceGross * 100) * p.quantity, 0);
  return Math.round(cents + order.deliveryPrice * 100) / 100;
}

export interface OrderStatus {
  id: number;
  name: string;
}

export type DocumentKind = 'orders' | 'invoices' | 'receipts';
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['orders', 'invoices', 'receipts'];
