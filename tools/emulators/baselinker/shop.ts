// The emulated account's data, kept in BaseLinker's raw wire shape (not our domain types), so the emulator
// serves exactly what the real API serves: numbers that are sometimes strings, flags as 0/1/"0"/"1"/bool, ""
// for "none". Tests may mutate a Shop between two runs (rename a buyer, add an invoice); the emulator reads it
// live on every request.

/** A number the API sends either as a JSON number or as a numeric string ("50", "123.45"). */
export type LooseNumber = number | string;
/** A flag the API sends as 0/1, "0"/"1" or a boolean, depending on the field and the account's history. */
export type LooseFlag = 0 | 1 | '0' | '1' | boolean;

export interface WireOrderProduct {
  storage: string;
  storage_id: number;
  order_product_id: number;
  product_id: string;
  variant_id: string;
  name: string;
  attributes: string;
  sku: string;
  ean: string;
  location: string;
  warehouse_id: number;
  auction_id: string;
  /** Unit gross price. */
  price_brutto: LooseNumber;
  /** 0–100, or -1 exempt, -0.02 not subject, -0.03 reverse charge. */
  tax_rate: number;
  quantity: number;
  weight: number;
  bundle_id: number;
}

export interface WireOrder {
  order_id: number;
  shop_order_id: number;
  external_order_id: string;
  order_source: string;
  order_source_id: number;
  order_source_info: string;
  order_status_id: number;
  confirmed: boolean;
  /** Unix seconds. 0 while the order is unconfirmed. */
  date_confirmed: number;
  date_add: number;
  date_in_status: number;
  user_login: string;
  phone: string;
  email: string;
  user_comments: string;
  admin_comments: string;
  currency: string;
  payment_method: string;
  payment_method_cod: LooseFlag;
  payment_done: LooseNumber;
  delivery_method: string;
  delivery_price: number;
  delivery_package_module: string;
  delivery_package_nr: string;
  delivery_fullname: string;
  delivery_company: string;
  delivery_address: string;
  delivery_city: string;
  delivery_state: string;
  delivery_postcode: string;
  delivery_country_code: string;
  delivery_country: string;
  delivery_point_id: string;
  delivery_point_name: string;
  delivery_point_address: string;
  delivery_point_postcode: string;
  delivery_point_city: string;
  invoice_fullname: string;
  invoice_company: string;
  invoice_nip: string;
  invoice_address: string;
  invoice_city: string;
  invoice_state: string;
  invoice_postcode: string;
  invoice_country_code: string;
  invoice_country: string;
  want_invoice: LooseFlag;
  extra_field_1: string;
  extra_field_2: string;
  order_page: string;
  pick_state: number;
  pack_state: number;
  star: number;
  products: WireOrderProduct[];
}

export interface WireOrderStatus {
  id: number;
  name: string;
  name_for_customer: string;
  color: string;
}

export interface WireSeries {
  id: number;
  type: 'INVOICE' | 'CORRECTION' | 'RECEIPT';
  name: string;
  format: string;
}

export interface WireInvoiceItem {
  name: string;
  sku: string;
  ean: string;
  price_brutto: LooseNumber;
  price_netto: LooseNumber;
  tax_rate: number;
  quantity: number;
  is_shipment: LooseFlag;
}

export interface WireInvoice {
  invoice_id: number;
  order_id: number;
  series_id: number;
  type: 'normal' | 'correcting';
  number: string;
  sub_id: number;
  month: number;
  year: number;
  postfix: string;
  date_add: number;
  date_sell: number;
  /** 0 when the invoice has no due date. */
  date_pay_to: number;
  currency: string;
  total_price_brutto: LooseNumber;
  total_price_netto: LooseNumber;
  payment: string;
  additional_info: string;
  invoice_fullname: string;
  invoice_company: string;
  invoice_nip: string;
  invoice_address: string;
  invoice_postcode: string;
  invoice_city: string;
  invoice_country: string;
  invoice_country_code: string;
  /** One multi-line text block. */
  seller: string;
  issuer: string;
  correcting_to_invoice_id: number;
  correcting_reason: string;
  correcting_items: boolean;
  correcting_data: boolean;
  external_invoice_number: string;
  exchange_currency: string;
  /** "" when there is no conversion. */
  exchange_rate: LooseNumber;
  exchange_date: string;
  exchange_info: string;
  items: WireInvoiceItem[];
}

/** An invoice's fate in KSeF (Poland's e-invoicing system), as BaseLinker knows it. */
export interface ShopGovernmentData {
  /** The KSeF number, '' until KSeF accepted the invoice. */
  id: string;
  /** Unix seconds. */
  date: number;
  /** 1 sent, 2 accepted, 3 rejected, 5 offline mode. */
  status: number;
}

/** An invoice as the account holds it: the wire record plus what the account knows but the list does not say. */
export interface ShopInvoice extends WireInvoice {
  /** Issued by an external accounting system; getInvoices leaves it out when get_external_invoices is false. */
  external: boolean;
  /** What getInvoiceFile with get_external serves for an external invoice; a PDF unless set. */
  externalFile?: 'pdf' | 'xml';
  /** Sent only with get_government_data; null for an invoice never sent to KSeF. */
  government: ShopGovernmentData | null;
}

export interface WireReceiptItem {
  name: string;
  price_brutto: LooseNumber;
  tax_rate: number;
  quantity: number;
  sku: string;
  ean: string;
}

/** The full getReceipt record. getReceipts serves a documented subset of it (see methods.ts). */
export interface WireReceipt {
  receipt_id: number;
  series_id: number;
  receipt_full_nr: string;
  year: number;
  month: number;
  sub_id: number;
  order_id: number;
  date_add: number;
  payment_method: string;
  nip: string;
  currency: string;
  total_price_brutto: LooseNumber;
  external_receipt_number: string;
  exchange_currency: string;
  exchange_rate: LooseNumber;
  exchange_date: string;
  exchange_info: string;
  items: WireReceiptItem[];
}

export interface Shop {
  orders: WireOrder[];
  statuses: WireOrderStatus[];
  series: WireSeries[];
  invoices: ShopInvoice[];
  receipts: WireReceipt[];
}
