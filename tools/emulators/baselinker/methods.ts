// The API methods the backup uses, answered from a Shop with the real API's filters, sort orders and 100-item
// pages. Each handler returns the payload that goes beside "status" or an API error; transport concerns
// (token, rate limit, faults) live in server.ts.

import { externalInvoiceXml, invoicePdf } from './invoicePdf.js';
import { boolParam, intParam, stringParam, type Params } from './params.js';
import type { ShopInvoice, Shop, WireInvoice, WireOrder, WireReceipt } from './shop.js';

/** Every list method of the real API stops at 100 records per call. */
export const PAGE_SIZE = 100;

export type MethodResult =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; code: string; message: string };

type Handler = (shop: Shop, params: Params) => MethodResult | Promise<MethodResult>;

const ok = (payload: Record<string, unknown>): MethodResult => ({ ok: true, payload });
const fail = (code: string, message: string): MethodResult => ({ ok: false, code, message });

function getOrders(shop: Shop, p: Params): MethodResult {
  const orderId = intParam(p, 'order_id');
  const confirmedFrom = intParam(p, 'date_confirmed_from');
  const dateFrom = intParam(p, 'date_from');
  const idFrom = intParam(p, 'id_from');
  const statusId = intParam(p, 'status_id');
  const withUnconfirmed = boolParam(p, 'get_unconfirmed_orders', false);
  const email = stringParam(p, 'filter_email')?.toLowerCase();
  const source = stringParam(p, 'filter_order_source');
  const sourceId = intParam(p, 'filter_order_source_id');
  const shopOrderId = intParam(p, 'filter_shop_order_id');
  const orders = shop.orders
    .filter(
      (o) =>
        (withUnconfirmed || o.confirmed) &&
        (orderId === undefined || o.order_id === orderId) &&
        (confirmedFrom === undefined || o.date_confirmed >= confirmedFrom) &&
        (dateFrom === undefined || o.date_add >= dateFrom) &&
        (idFrom === undefined || o.order_id >= idFrom) &&
        (statusId === undefined || o.order_status_id === statusId) &&
        (email === undefined || o.email.toLowerCase() === email) &&
        (source === undefined || o.order_source === source) &&
        (sourceId === undefined || o.order_source_id === sourceId) &&
        (shopOrderId === undefined || o.shop_order_id === shopOrderId),
    )
    // By confirmation time, then id. When more than 100 orders share one date_confirmed second, the documented
    // "last date_confirmed + 1 s" paging recipe skips the rest of that second: the real API behaves so, and the
    // backup must cope, so this stays.
    .sort((a, b) => a.date_confirmed - b.date_confirmed || a.order_id - b.order_id)
    .slice(0, PAGE_SIZE);
  return ok({ orders: orders.map(copy<WireOrder>) });
}

function getOrderStatusList(shop: Shop): MethodResult {
  return ok({ statuses: shop.statuses.map(copy) });
}

function getSeries(shop: Shop): MethodResult {
  return ok({ series: shop.series.map(copy) });
}

function getInvoices(shop: Shop, p: Params): MethodResult {
  const invoiceId = intParam(p, 'invoice_id');
  const orderId = intParam(p, 'order_id');
  const dateFrom = intParam(p, 'date_from');
  const idFrom = intParam(p, 'id_from');
  const seriesId = intParam(p, 'series_id');
  const withExternal = boolParam(p, 'get_external_invoices', true);
  const withGovernment = boolParam(p, 'get_government_data', false);
  const invoices = shop.invoices
    .filter(
      (i) =>
        (withExternal || !i.external) &&
        (invoiceId === undefined || i.invoice_id === invoiceId) &&
        (orderId === undefined || i.order_id === orderId) &&
        (dateFrom === undefined || i.date_add >= dateFrom) &&
        // Inclusivity is undocumented for invoices; inclusive here, so a client that does not de-duplicate
        // by invoice_id sees the boundary invoice twice.
        (idFrom === undefined || i.invoice_id >= idFrom) &&
        (seriesId === undefined || i.series_id === seriesId),
    )
    .sort((a, b) => a.invoice_id - b.invoice_id)
    .slice(0, PAGE_SIZE);
  return ok({ invoices: invoices.map((i) => (withGovernment ? { ...toWireInvoice(i), ...governmentFields(i) } : toWireInvoice(i))) });
}

/**
 * gov_id, gov_date and gov_status, as documented for get_government_data. What the API sends for an invoice never
 * sent to KSeF is undocumented; the emulator sends the empty values ("", 0, 0).
 */
function governmentFields(invoice: ShopInvoice): { gov_id: string; gov_date: number; gov_status: number } {
  const g = invoice.government;
  return { gov_id: g?.id ?? '', gov_date: g?.date ?? 0, gov_status: g?.status ?? 0 };
}

async function getInvoiceFile(shop: Shop, p: Params): Promise<MethodResult> {
  const invoiceId = intParam(p, 'invoice_id');
  const invoice = shop.invoices.find((i) => i.invoice_id === invoiceId);
  if (!invoice) return fail('ERROR_INVOICE_NOT_FOUND', `Invoice ${String(p['invoice_id'] ?? '')} not found`);
  // Documented: get_external asks for the external system's file and number when there is one, and falls back
  // to BaseLinker's own file otherwise.
  const external = boolParam(p, 'get_external', false) && invoice.external && invoice.external_invoice_number !== '';
  // BaseLinker's own copy carries the KSeF number and QR code once KSeF accepted the invoice, so it changes then.
  const bytes =
    external && invoice.externalFile === 'xml'
      ? externalInvoiceXml(toWireInvoice(invoice))
      : await invoicePdf(toWireInvoice(invoice), { external, ksefNumber: external ? '' : (invoice.government?.id ?? '') });
  return ok({
    // Not a full data URI: the literal "data:" and then base64, as the documentation shows.
    invoice: `data:${Buffer.from(bytes).toString('base64')}`,
    invoice_number: external ? invoice.external_invoice_number : invoice.number,
  });
}

function getReceipts(shop: Shop, p: Params): MethodResult {
  const seriesId = intParam(p, 'series_id');
  const idFrom = intParam(p, 'id_from');
  const dateFrom = intParam(p, 'date_from');
  const dateTo = intParam(p, 'date_to');
  const receipts = shop.receipts
    .filter(
      (r) =>
        (seriesId === undefined || r.series_id === seriesId) &&
        (idFrom === undefined || r.receipt_id >= idFrom) &&
        (dateFrom === undefined || r.date_add >= dateFrom) &&
        (dateTo === undefined || r.date_add <= dateTo),
    )
    .sort((a, b) => a.receipt_id - b.receipt_id)
    .slice(0, PAGE_SIZE);
  // The list entry as documented: no currency, no total, "products" instead of "items". A backup that needs
  // those must call getReceipt once per receipt.
  return ok({
    receipts: receipts.map((r) => ({
      receipt_id: r.receipt_id,
      series_id: r.series_id,
      receipt_full_nr: r.receipt_full_nr,
      order_id: r.order_id,
      date_add: r.date_add,
      payment_method: r.payment_method,
      nip: r.nip,
      products: r.items.map(copy),
    })),
  });
}

function getReceipt(shop: Shop, p: Params): MethodResult {
  const receiptId = intParam(p, 'receipt_id');
  const orderId = intParam(p, 'order_id');
  if (receiptId === undefined && orderId === undefined) {
    return fail('ERROR_RECEIPT_NOT_FOUND', 'receipt_id or order_id is required');
  }
  const receipt = shop.receipts.find(
    (r) => (receiptId === undefined || r.receipt_id === receiptId) && (orderId === undefined || r.order_id === orderId),
  );
  if (!receipt) return fail('ERROR_RECEIPT_NOT_FOUND', 'Receipt not found');
  // The receipt's fields sit at the top level, beside "status".
  return ok(copy<WireReceipt>(receipt) as unknown as Record<string, unknown>);
}

const handlers: Record<string, Handler> = {
  getOrders,
  getOrderStatusList,
  getSeries,
  getInvoices,
  getInvoiceFile,
  getReceipts,
  getReceipt,
};

export async function callMethod(shop: Shop, method: string, params: Params): Promise<MethodResult> {
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  if (!handler) return fail('ERROR_UNKNOWN_METHOD', `An unknown method has been used: ${method}`);
  return handler(shop, params);
}

function toWireInvoice(invoice: ShopInvoice): WireInvoice {
  const { external: _external, externalFile: _file, government: _government, ...wire } = copy(invoice);
  return wire;
}

/** Answers are copies, so a client (or a test) holding an answer can never alter the shop through it. */
function copy<T>(value: T): T {
  return structuredClone(value);
}
