import type { Address, Buyer, GovernmentData, Invoice, InvoiceItem, Order, OrderProduct, Receipt, ReceiptItem } from '../../domain/documents.js';
import { flag, id, list, num, record, text, type Wire } from './loose.js';

export function parseOrder(raw: unknown): Order {
  const o = record(raw, 'order');
  const orderId = id(o.order_id, 'order_id');
  const what = (field: string) => `order ${orderId} ${field}`;
  const address = (prefix: 'delivery' | 'invoice') => readAddress(o, prefix);
  return {
    id: orderId,
    shopOrderId: num(o.shop_order_id, what('shop_order_id')),
    externalOrderId: text(o.external_order_id),
    source: text(o.order_source),
    sourceId: num(o.order_source_id, what('order_source_id')),
    statusId: num(o.order_status_id, what('order_status_id')),
    confirmed: flag(o.confirmed),
    addedAt: num(o.date_add, what('date_add')),
    confirmedAt: num(o.date_confirmed, what('date_confirmed')),
    inStatusSince: num(o.date_in_status, what('date_in_status')),
    userLogin: text(o.user_login),
    email: text(o.email),
    phone: text(o.phone),
    currency: text(o.currency),
    paymentMethod: text(o.payment_method),
    paymentCod: flag(o.payment_method_cod),
    paymentDone: num(o.payment_done, what('payment_done')),
    deliveryMethod: text(o.delivery_method),
    deliveryPrice: num(o.delivery_price, what('delivery_price')),
    deliveryPackageModule: text(o.delivery_package_module),
    deliveryPackageNr: text(o.delivery_package_nr),
    delivery: address('delivery'),
    deliveryPoint: {
      id: text(o.delivery_point_id),
      name: text(o.delivery_point_name),
      address: text(o.delivery_point_address),
      postcode: text(o.delivery_point_postcode),
      city: text(o.delivery_point_city),
    },
    invoice: { ...address('invoice'), vatId: text(o.invoice_nip) },
    wantInvoice: flag(o.want_invoice),
    userComments: text(o.user_comments),
    adminComments: text(o.admin_comments),
    extraField1: text(o.extra_field_1),
    extraField2: text(o.extra_field_2),
    orderPage: text(o.order_page),
    pickState: num(o.pick_state, what('pick_state')),
    packState: num(o.pack_state, what('pack_state')),
    products: list(o.products, what('products')).map((p, i) => parseOrderProduct(p, `${what('product')} ${i + 1}`)),
  };
}

/** The fields every kind of line shares: order products, invoice items and receipt items. */
function readLine(p: Wire, what: string): ReceiptItem {
  return {
    name: text(p.name),
    sku: text(p.sku),
    ean: text(p.ean),
    priceGross: num(p.price_brutto, `${what} price_brutto`),
    taxRate: num(p.tax_rate, `${what} tax_rate`),
    quantity: num(p.quantity, `${what} quantity`),
  };
}

function parseOrderProduct(raw: unknown, what: string): OrderProduct {
  const p = record(raw, what);
  return {
    ...readLine(p, what),
    orderProductId: text(p.order_product_id),
    productId: text(p.product_id),
    variantId: text(p.variant_id),
    attributes: text(p.attributes),
    weight: num(p.weight, `${what} weight`),
    storage: text(p.storage),
    storageId: text(p.storage_id),
    warehouseId: text(p.warehouse_id),
    location: text(p.location),
    auctionId: text(p.auction_id),
    bundleId: text(p.bundle_id),
  };
}

/** BaseLinker spells an address as prefixed fields: delivery_fullname, invoice_city, … */
function readAddress(r: Wire, prefix: 'delivery' | 'invoice'): Address {
  return {
    fullName: text(r[`${prefix}_fullname`]),
    company: text(r[`${prefix}_company`]),
    address: text(r[`${prefix}_address`]),
    postcode: text(r[`${prefix}_postcode`]),
    city: text(r[`${prefix}_city`]),
    state: text(r[`${prefix}_state`]),
    country: text(r[`${prefix}_country`]),
    countryCode: text(r[`${prefix}_country_code`]),
  };
}

function parseBuyer(i: Wire): Buyer {
  const { state: _state, ...address } = readAddress(i, 'invoice');
  return { ...address, vatId: text(i.invoice_nip) };
}

export function parseInvoice(raw: unknown): Invoice {
  const i = record(raw, 'invoice');
  const invoiceId = id(i.invoice_id, 'invoice_id');
  const what = (field: string) => `invoice ${invoiceId} ${field}`;
  const correctingTo = num(i.correcting_to_invoice_id, what('correcting_to_invoice_id'));
  const type = text(i.type) === 'correcting' || correctingTo > 0 ? 'correcting' : 'normal';
  const exchangeRate = num(i.exchange_rate, what('exchange_rate'));
  const payTo = num(i.date_pay_to, what('date_pay_to'));
  return {
    kind: 'invoice',
    id: invoiceId,
    orderId: num(i.order_id, what('order_id')),
    seriesId: num(i.series_id, what('series_id')),
    type,
    number: text(i.number),
    issuedAt: num(i.date_add, what('date_add')),
    soldAt: num(i.date_sell, what('date_sell')),
    payTo: payTo > 0 ? payTo : null,
    currency: text(i.currency),
    totalGross: num(i.total_price_brutto, what('total_price_brutto')),
    totalNet: num(i.total_price_netto, what('total_price_netto')),
    paymentMethod: text(i.payment),
    additionalInfo: text(i.additional_info),
    buyer: parseBuyer(i),
    seller: text(i.seller),
    issuer: text(i.issuer),
    correcting: type === 'correcting' ? { invoiceId: correctingTo, reason: text(i.correcting_reason) } : null,
    exchange:
      exchangeRate > 0
        ? { currency: text(i.exchange_currency), rate: exchangeRate, date: text(i.exchange_date), info: text(i.exchange_info) }
        : null,
    externalNumber: text(i.external_invoice_number).trim(),
    government: parseGovernment(i, what),
    items: list(i.items, what('items')).map((item, n) => parseInvoiceItem(item, `${what('item')} ${n + 1}`)),
  };
}

function parseInvoiceItem(raw: unknown, what: string): InvoiceItem {
  const p = record(raw, what);
  return {
    ...readLine(p, what),
    priceNet: num(p.price_netto, `${what} price_netto`),
    // Not among the documented item fields; read in case an account's records carry one.
    unit: text(p.unit).trim(),
    isShipment: flag(p.is_shipment),
  };
}

/** gov_id, gov_date and gov_status come only with get_government_data; absent, there is nothing to say. */
function parseGovernment(i: Wire, what: (field: string) => string): GovernmentData | null {
  if (!('gov_id' in i) && !('gov_status' in i) && !('gov_date' in i)) return null;
  const date = num(i.gov_date, what('gov_date'));
  return { id: text(i.gov_id).trim(), date: date > 0 ? date : null, status: num(i.gov_status, what('gov_status')) };
}

/** The list entry of a receipt: everything but currency and total, which getReceipts does not send. */
export type ReceiptEntry = Omit<Receipt, 'currency' | 'totalGross'>;

export function parseReceiptEntry(raw: unknown): ReceiptEntry {
  const r = record(raw, 'receipt');
  const receiptId = id(r.receipt_id, 'receipt_id');
  const what = (field: string) => `receipt ${receiptId} ${field}`;
  return {
    kind: 'receipt',
    id: receiptId,
    seriesId: num(r.series_id, what('series_id')),
    number: text(r.receipt_full_nr),
    orderId: num(r.order_id, what('order_id')),
    issuedAt: num(r.date_add, what('date_add')),
    paymentMethod: text(r.payment_method),
    vatId: text(r.nip),
    items: list(r.products ?? r.items, what('products')).map((p, n) => parseReceiptItem(p, `${what('product')} ${n + 1}`)),
  };
}

function parseReceiptItem(raw: unknown, what: string): ReceiptItem {
  return readLine(record(raw, what), what);
}

/** A receipt's total is the sum of its lines; computing it saves one getReceipt request per receipt. */
export function receiptTotal(items: readonly ReceiptItem[]): number {
  return Math.round(items.reduce((cents, item) => cents + Math.round(item.priceGross * 100) * item.quantity, 0)) / 100;
}
