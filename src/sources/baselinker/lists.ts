// Paging through BaseLinker's lists. Each call returns at most 100 entries and there are no page numbers, so each
// list has its own safe way forward. Pages stream through: nothing holds a whole list in memory.
import { decodeInvoiceFile, sniffFile, type FileKind } from './invoiceFile.js';
import { malformed, list, num, record, text, type Wire } from './loose.js';
import type { BaseLinkerApi, Params } from './transport.js';

export const PAGE_SIZE = 100;

/**
 * Confirmed orders with date_confirmed >= `from`, each once. The documented recipe (next page from the last
 * date_confirmed + 1 s) skips orders when more than a page's worth share one second. Instead the next page starts
 * AT the last second and repeats of it are dropped by order_id; when a whole page lies inside one second, that
 * second alone is paged by id_from (the API sorts ties by order_id) and the scan then resumes after it.
 */
export async function* scanOrders(api: BaseLinkerApi, from: number): AsyncGenerator<Wire> {
  let second = from;
  let seenInSecond = new Set<number>();
  let idFrom: number | null = null;
  for (;;) {
    const params: Params = { date_confirmed_from: second, get_unconfirmed_orders: false };
    if (idFrom !== null) params.id_from = idFrom;
    const page = list((await api.call('getOrders', params)).orders, 'orders').map((o) => record(o, 'order'));
    const confirmedAt = (o: Wire) => num(o.date_confirmed, 'order date_confirmed');
    const orderId = (o: Wire) => num(o.order_id, 'order_id');

    if (idFrom !== null) {
      // Inside one crowded second: take only that second's orders; later ones come again after it.
      const inSecond = page.filter((o) => confirmedAt(o) === second);
      for (const o of inSecond) if (!seenInSecond.has(orderId(o))) yield o;
      if (page.length < PAGE_SIZE || inSecond.length < page.length) {
        [second, seenInSecond, idFrom] = [second + 1, new Set(), null];
      } else {
        idFrom = Math.max(...inSecond.map(orderId)) + 1;
      }
      continue;
    }

    for (const o of page) if (!seenInSecond.has(orderId(o))) yield o;
    if (page.length < PAGE_SIZE) return;
    const lastSecond = confirmedAt(page.at(-1)!);
    if (lastSecond < second) throw malformed('getOrders went backwards in date_confirmed');
    const atLast = page.filter((o) => confirmedAt(o) === lastSecond).map(orderId);
    if (lastSecond === second && atLast.length === page.length) {
      for (const id of atLast) seenInSecond.add(id);
      idFrom = Math.max(...atLast) + 1;
    } else {
      [second, seenInSecond] = [lastSecond, new Set(atLast)];
    }
  }
}

/**
 * Pages a list sorted by id. Whether BaseLinker's id_from is inclusive is documented for receipts only, so for
 * invoices the next page starts at the last id and the repeat is dropped: correct either way, at most one entry
 * of overlap per page.
 */
async function* scanById(
  api: BaseLinkerApi,
  method: string,
  key: string,
  idField: string,
  params: Params,
  idFromInclusive: boolean,
): AsyncGenerator<Wire> {
  let lastId = 0;
  for (;;) {
    const idFrom = lastId === 0 ? undefined : idFromInclusive ? lastId + 1 : lastId;
    const page = list((await api.call(method, idFrom === undefined ? params : { ...params, id_from: idFrom }))[key], key);
    let fresh = 0;
    for (const entry of page) {
      const e = record(entry, key);
      const entryId = usableId(e[idField]);
      // No usable id: passed on, so that parsing rejects it and the run counts it, instead of dropping it unseen.
      if (entryId === null) {
        yield e;
        continue;
      }
      if (entryId === lastId) continue; // the page boundary, repeated when id_from is inclusive
      // Paging by id_from is only safe over a list sorted by id: one out of order would be skipped unseen.
      if (entryId < lastId) throw malformed(`${method} went backwards in ${idField}`);
      lastId = entryId;
      fresh++;
      yield e;
    }
    if (page.length < PAGE_SIZE || fresh === 0) return;
  }
}

function usableId(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

// Government data (the KSeF number and status) comes only when asked for; a backup always asks.
const OWN_INVOICES: Params = { get_external_invoices: false, get_government_data: true };
const ALL_INVOICES: Params = { get_external_invoices: true, get_government_data: true };

/** BaseLinker-issued invoices (not those an external accounting system's file replaced) issued at or after `from`. */
export function scanInvoices(api: BaseLinkerApi, from: number): AsyncGenerator<Wire> {
  return scanById(api, 'getInvoices', 'invoices', 'invoice_id', { date_from: from, ...OWN_INVOICES }, false);
}

export interface ScannedInvoice {
  raw: Wire;
  /** Its file comes from an external accounting system (uploaded with addOrderInvoiceFile). */
  external: boolean;
}

/**
 * Every invoice issued at or after `from`, each marked own or external. BaseLinker tells them apart only by
 * leaving external ones out when asked (get_external_invoices: false), so two lists are walked side by side, both
 * sorted by id: an invoice of the full list that the own list lacks is external. Costs a second list request per
 * 100 invoices and holds no list in memory.
 */
export async function* scanInvoicesWithExternal(api: BaseLinkerApi, from: number): AsyncGenerator<ScannedInvoice> {
  const own = scanById(api, 'getInvoices', 'invoices', 'invoice_id', { date_from: from, ...OWN_INVOICES }, false);
  let ownId = 0;
  let ownDone = false;
  try {
    for await (const raw of scanById(api, 'getInvoices', 'invoices', 'invoice_id', { date_from: from, ...ALL_INVOICES }, false)) {
      const id = usableId(raw.invoice_id);
      if (id === null) {
        // Unreadable: passed on as own, so that parsing rejects it and the run counts it.
        yield { raw, external: false };
        continue;
      }
      while (!ownDone && ownId < id) {
        const next = await own.next();
        if (next.done) ownDone = true;
        else ownId = usableId(next.value.invoice_id) ?? ownId;
      }
      yield { raw, external: ownId !== id };
    }
  } finally {
    await own.return(undefined);
  }
}

export function scanReceipts(api: BaseLinkerApi, from: number, to: number): AsyncGenerator<Wire> {
  return scanById(api, 'getReceipts', 'receipts', 'receipt_id', { date_from: from, date_to: to }, true);
}

/** One invoice, own or external, with its government data. */
export async function fetchInvoice(api: BaseLinkerApi, invoiceId: number): Promise<Wire | null> {
  const found = list((await api.call('getInvoices', { invoice_id: invoiceId, ...ALL_INVOICES })).invoices, 'invoices');
  return found.length > 0 ? record(found[0], 'invoice') : null;
}

/** The full receipt: getReceipt puts its fields at the top level, beside `status`. */
export async function fetchReceipt(api: BaseLinkerApi, receiptId: number): Promise<Wire> {
  return api.call('getReceipt', { receipt_id: receiptId });
}

export async function fetchStatusNames(api: BaseLinkerApi): Promise<Map<number, string>> {
  const statuses = list((await api.call('getOrderStatusList', {})).statuses, 'statuses');
  return new Map(statuses.map((s) => record(s, 'status')).map((s) => [num(s.id, 'status id'), text(s.name)]));
}

export interface InvoiceFile {
  bytes: Uint8Array;
  /** What the bytes are, whatever the answer called them. */
  kind: FileKind;
  /** The number BaseLinker gives with the file: the external system's when `external`. */
  number: string;
}

/**
 * An invoice's file: BaseLinker's own (the official copy, with the KSeF number and QR code once KSeF has accepted
 * the invoice) or, with `external`, the file an external accounting system produced. One request.
 */
export async function fetchInvoiceFile(api: BaseLinkerApi, invoiceId: number, o: { external: boolean }): Promise<InvoiceFile> {
  const answer = await api.call('getInvoiceFile', { invoice_id: invoiceId, get_external: o.external });
  const bytes = decodeInvoiceFile(answer.invoice);
  return { bytes, kind: sniffFile(bytes), number: text(answer.invoice_number).trim() };
}

/**
 * Whether any of these invoices is in the account: the check that a destination's invoices are this account's
 * before they are adopted. At most a request per id, stopping at the first found.
 */
export async function invoicesExist(api: BaseLinkerApi, invoiceIds: readonly number[]): Promise<boolean> {
  for (const id of invoiceIds) if (await fetchInvoice(api, id)) return true;
  return false;
}

/** The same for receipts. */
export async function receiptsExist(api: BaseLinkerApi, receiptIds: readonly number[]): Promise<boolean> {
  for (const id of receiptIds) if (await fetchReceiptEntry(api, id)) return true;
  return false;
}

/** One receipt as the list gives it (the record its version hash is of): a list starting at its id holds it first. */
export async function fetchReceiptEntry(api: BaseLinkerApi, receiptId: number): Promise<Wire | null> {
  const page = list((await api.call('getReceipts', { id_from: receiptId })).receipts, 'receipts').map((r) => record(r, 'receipt'));
  return page.find((r) => Number(r.receipt_id) === receiptId) ?? null;
}
