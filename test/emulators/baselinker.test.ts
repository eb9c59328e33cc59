// The BaseLinker emulator over real HTTP, as our client will meet it: form-encoded bodies, HTTP 200 errors,
// 100-item pages, per-token blocking and injected transport faults. Plus the demo shop's promised cases.

import { afterEach, describe, expect, it } from 'vitest';
import { demoLandmarks, demoShop } from '../../tools/emulators/baselinker/demoShop.js';
import { startBaseLinkerEmulator, type BaseLinkerEmulator, type BaseLinkerEmulatorOptions } from '../../tools/emulators/baselinker/server.js';
import type { Shop } from '../../tools/emulators/baselinker/shop.js';
import { pdfToText } from '../render/poppler.js';

const TOKEN = '5012-secret-token-ABCDEFGHIJ';
const AS_OF = '2026-11-20';
const landmarks = demoLandmarks({ asOf: AS_OF });

const running: BaseLinkerEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(o: Partial<BaseLinkerEmulatorOptions> = {}): Promise<BaseLinkerEmulator> {
  const emu = await startBaseLinkerEmulator({ token: TOKEN, shop: demoShop({ asOf: AS_OF }), ...o });
  running.push(emu);
  return emu;
}

interface Reply {
  http: number;
  contentType: string;
  text: string;
  json: Record<string, any>;
}

async function call(
  emu: BaseLinkerEmulator,
  method: string,
  parameters: Record<string, unknown> | string = {},
  auth: { header?: string | null; bodyToken?: string } = {},
): Promise<Reply> {
  const form = new URLSearchParams({ method, parameters: typeof parameters === 'string' ? parameters : JSON.stringify(parameters) });
  if (auth.bodyToken !== undefined) form.set('token', auth.bodyToken);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const header = auth.header === undefined ? TOKEN : auth.header;
  if (header !== null) headers['X-BLToken'] = header;
  const res = await fetch(emu.url, { method: 'POST', headers, body: form.toString() });
  const text = await res.text();
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // Left empty: fault tests look at the raw text.
  }
  return { http: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

describe('transport and envelope', () => {
  it('answers SUCCESS with the payload beside status, on POST /connector.php at 127.0.0.1', async () => {
    const emu = await start();
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/connector\.php$/);
    const r = await call(emu, 'getOrderStatusList');
    expect(r.http).toBe(200);
    expect(r.json.status).toBe('SUCCESS');
    expect(r.json.statuses.length).toBeGreaterThanOrEqual(5);
    for (const s of r.json.statuses) expect(Object.keys(s).sort()).toEqual(['color', 'id', 'name', 'name_for_customer']);
    expect(r.json.statuses.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['Nowe zamówienia', 'W realizacji', 'Wysłane', 'Anulowane', 'Zwrot']));
  });

  it('writes JSON as PHP does: ASCII only, non-ASCII as \\u escapes, "/" as "\\/"', async () => {
    const emu = await start();
    const r = await call(emu, 'getInvoices', { invoice_id: 3106 });
    expect(r.text).toMatch(/^[\x20-\x7e]*$/);
    expect(r.text).toContain('J\\u00fcrgen M\\u00fcller');
    expect(r.text).toContain('FV\\/2\\/11\\/2026');
    expect(r.json.invoices[0].invoice_fullname).toBe('Jürgen Müller');
  });

  it('refuses a wrong or missing token with ERROR_BAD_TOKEN, still HTTP 200', async () => {
    const emu = await start();
    for (const auth of [{ header: 'wrong' }, { header: null }]) {
      const r = await call(emu, 'getOrders', {}, auth);
      expect(r.http).toBe(200);
      expect(r.json).toEqual({ status: 'ERROR', error_code: 'ERROR_BAD_TOKEN', error_message: expect.any(String) });
    }
  });

  it('still honours the deprecated token body field', async () => {
    const emu = await start();
    const r = await call(emu, 'getSeries', {}, { header: null, bodyToken: TOKEN });
    expect(r.json.status).toBe('SUCCESS');
  });

  it('answers an unknown method and unparsable parameters with ERROR at HTTP 200', async () => {
    const emu = await start();
    const unknown = await call(emu, 'getEverything');
    expect(unknown.http).toBe(200);
    expect(unknown.json).toMatchObject({ status: 'ERROR', error_code: 'ERROR_UNKNOWN_METHOD' });
    const garbled = await call(emu, 'getOrders', '{"date_from": 17');
    expect(garbled.http).toBe(200);
    expect(garbled.json.status).toBe('ERROR');
    expect(garbled.json.error_code).toMatch(/^ERROR_/);
  });

  it('lists series of the three types with their formats', async () => {
    const emu = await start();
    const r = await call(emu, 'getSeries');
    const types = r.json.series.map((s: { type: string }) => s.type);
    expect(types).toEqual(expect.arrayContaining(['INVOICE', 'CORRECTION', 'RECEIPT']));
    expect(r.json.series[0]).toEqual({ id: 1, type: 'INVOICE', name: expect.any(String), format: 'FV/%N/%M/%Y' });
  });
});

describe('getOrders', () => {
  const horizon = landmarks.statusWindow.to - 90 * 86_400;

  it('returns at most 100 confirmed orders, by date_confirmed then order_id', async () => {
    const emu = await start();
    const r = await call(emu, 'getOrders', { date_confirmed_from: horizon });
    const orders = r.json.orders as { order_id: number; date_confirmed: number; confirmed: boolean }[];
    expect(orders).toHaveLength(100);
    expect(orders.every((o) => o.confirmed)).toBe(true);
    const sorted = [...orders].sort((a, b) => a.date_confirmed - b.date_confirmed || a.order_id - b.order_id);
    expect(orders).toEqual(sorted);
  });

  it('has a page boundary inside the same-second run, where the "+1 second" recipe loses orders', async () => {
    const emu = await start();
    const run = landmarks.sameSecondRun;
    expect(run.orderIds).toHaveLength(120);

    const seen = new Set<number>();
    let from = horizon;
    let boundaryInRun = false;
    for (;;) {
      const page = (await call(emu, 'getOrders', { date_confirmed_from: from })).json.orders as { order_id: number; date_confirmed: number }[];
      page.forEach((o) => seen.add(o.order_id));
      if (page.length < 100) break;
      const last = page.at(-1)!;
      if (last.date_confirmed === run.dateConfirmed) boundaryInRun = true;
      from = last.date_confirmed + 1;
    }
    expect(boundaryInRun).toBe(true);
    const lost = run.orderIds.filter((id) => !seen.has(id));
    expect(lost.length).toBeGreaterThan(0);

    // Paging by id_from (inclusive: last id + 1) reaches every one of them.
    const all = new Set<number>();
    let idFrom = 0;
    for (;;) {
      const page = (await call(emu, 'getOrders', { date_confirmed_from: horizon, id_from: idFrom })).json.orders as { order_id: number }[];
      page.forEach((o) => all.add(o.order_id));
      if (page.length < 100) break;
      idFrom = page.at(-1)!.order_id + 1;
    }
    expect(run.orderIds.every((id) => all.has(id))).toBe(true);
    expect(all.has(landmarks.oldOrderRecentStatus)).toBe(true);
    expect(all.has(landmarks.beyondHorizon)).toBe(false);
    expect(landmarks.ordersChangedInWindow.every((id) => all.has(id))).toBe(true);
  });

  it('treats id_from as inclusive', async () => {
    const emu = await start();
    const id = landmarks.oldOrderRecentStatus;
    const r = await call(emu, 'getOrders', { id_from: id });
    expect(r.json.orders[0].order_id).toBe(id);
  });

  it('leaves unconfirmed orders out unless asked, and applies the simple filters', async () => {
    const emu = await start();
    const recent = landmarks.statusWindow.to - 3 * 86_400;
    const ids = async (p: Record<string, unknown>) =>
      ((await call(emu, 'getOrders', p)).json.orders as { order_id: number }[]).map((o) => o.order_id);
    const confirmedOnly = await ids({ date_from: recent });
    const withUnconfirmed = await ids({ date_from: recent, get_unconfirmed_orders: true });
    for (const id of landmarks.unconfirmed) {
      expect(confirmedOnly).not.toContain(id);
      expect(withUnconfirmed).toContain(id);
    }
    expect(await ids({ order_id: landmarks.beyondHorizon })).toEqual([landmarks.beyondHorizon]);
    const byStatus = (await call(emu, 'getOrders', { status_id: '7007' })).json.orders as { order_status_id: number }[];
    expect(byStatus.length).toBeGreaterThan(0);
    expect(byStatus.every((o) => o.order_status_id === 7007)).toBe(true);
    const byEmail = (await call(emu, 'getOrders', { filter_email: 'juergen.mueller@example.de' })).json.orders as { email: string }[];
    expect(byEmail.length).toBeGreaterThan(0);
    expect(byEmail.every((o) => o.email === 'juergen.mueller@example.de')).toBe(true);
  });

  it('serves the loose wire types and the full field list', async () => {
    const emu = await start();
    const orders = (await call(emu, 'getOrders', { date_confirmed_from: horizon })).json.orders as Record<string, any>[];
    expect(orders.some((o) => typeof o.payment_done === 'string')).toBe(true);
    expect(orders.some((o) => typeof o.payment_done === 'number')).toBe(true);
    expect(orders.some((o) => o.products.some((p: { price_brutto: unknown }) => typeof p.price_brutto === 'string'))).toBe(true);
    const fields = ['order_id', 'shop_order_id', 'external_order_id', 'order_source', 'order_source_id', 'order_status_id', 'date_add',
      'date_confirmed', 'date_in_status', 'confirmed', 'user_login', 'currency', 'payment_method', 'payment_method_cod', 'payment_done',
      'user_comments', 'admin_comments', 'email', 'phone', 'delivery_method', 'delivery_price', 'delivery_package_module',
      'delivery_package_nr', 'delivery_fullname', 'delivery_company', 'delivery_address', 'delivery_postcode', 'delivery_city',
      'delivery_state', 'delivery_country', 'delivery_country_code', 'delivery_point_id', 'delivery_point_name',
      'delivery_point_address', 'delivery_point_postcode', 'delivery_point_city', 'invoice_fullname', 'invoice_company',
      'invoice_nip', 'invoice_address', 'invoice_postcode', 'invoice_city', 'invoice_state', 'invoice_country',
      'invoice_country_code', 'want_invoice', 'extra_field_1', 'extra_field_2', 'order_page', 'pick_state', 'pack_state', 'products'];
    expect(Object.keys(orders[0]!)).toEqual(expect.arrayContaining(fields));
    expect(Object.keys(orders[0]!.products[0])).toEqual(
      expect.arrayContaining(['name', 'sku', 'ean', 'product_id', 'variant_id', 'attributes', 'price_brutto', 'tax_rate', 'quantity', 'weight']),
    );
    expect(new Set(orders.map((o) => o.currency))).toEqual(new Set(['PLN', 'EUR', 'CZK']));
  });
});

describe('invoices', () => {
  it('pages by invoice_id with an inclusive id_from and at most 100 per call', async () => {
    const shop = demoShop({ asOf: AS_OF });
    const template = shop.invoices[0]!;
    for (let k = 0; k < 130; k++) shop.invoices.push({ ...structuredClone(template), invoice_id: 5000 + k, number: `FV/${100 + k}/11/2026` });
    const emu = await start({ shop });
    const first = (await call(emu, 'getInvoices', {})).json.invoices as { invoice_id: number }[];
    expect(first).toHaveLength(100);
    expect(first.map((i) => i.invoice_id)).toEqual([...first.map((i) => i.invoice_id)].sort((a, b) => a - b));
    const next = (await call(emu, 'getInvoices', { id_from: first.at(-1)!.invoice_id })).json.invoices as { invoice_id: number }[];
    expect(next[0]!.invoice_id).toBe(first.at(-1)!.invoice_id);
  });

  it('leaves out externally issued invoices when get_external_invoices is false', async () => {
    const emu = await start();
    const numbers = async (p: Record<string, unknown>) =>
      ((await call(emu, 'getInvoices', p)).json.invoices as { number: string }[]).map((i) => i.number);
    expect(await numbers({})).toContain(landmarks.invoices.external);
    const own = await numbers({ get_external_invoices: false });
    expect(own).not.toContain(landmarks.invoices.external);
    expect(own).toHaveLength(19);
  });

  it('serves every documented invoice field, with "" and 0 for none', async () => {
    const emu = await start();
    const invoices = (await call(emu, 'getInvoices', {})).json.invoices as Record<string, any>[];
    const fields = ['invoice_id', 'order_id', 'series_id', 'type', 'number', 'sub_id', 'month', 'year', 'postfix', 'date_add',
      'date_sell', 'date_pay_to', 'currency', 'total_price_brutto', 'total_price_netto', 'payment', 'additional_info',
      'invoice_fullname', 'invoice_company', 'invoice_nip', 'invoice_address', 'invoice_postcode', 'invoice_city',
      'invoice_country', 'invoice_country_code', 'seller', 'issuer', 'correcting_to_invoice_id', 'correcting_reason',
      'correcting_items', 'correcting_data', 'external_invoice_number', 'exchange_currency', 'exchange_rate', 'exchange_date',
      'exchange_info', 'items'];
    for (const inv of invoices) {
      expect(Object.keys(inv).sort()).toEqual([...fields].sort());
      for (const item of inv.items) {
        expect(Object.keys(item).sort()).toEqual(['ean', 'is_shipment', 'name', 'price_brutto', 'price_netto', 'quantity', 'sku', 'tax_rate']);
      }
    }
    const byNumber = (n: string) => invoices.find((i) => i.number === n)!;
    const eur = byNumber(landmarks.invoices.eur);
    expect(eur).toMatchObject({ currency: 'EUR', exchange_currency: 'PLN', invoice_country_code: 'DE' });
    expect(eur.exchange_rate).toBeGreaterThan(4);
    expect(eur.exchange_info).toMatch(/NBP/);
    expect(byNumber('FV/1/11/2026')).toMatchObject({ exchange_rate: '', date_pay_to: 0 });
    const correcting = byNumber(landmarks.invoices.correcting);
    expect(correcting.type).toBe('correcting');
    expect(correcting.correcting_to_invoice_id).toBe(byNumber(landmarks.invoices.corrected).invoice_id);
    expect(correcting.correcting_reason).not.toBe('');
    expect(byNumber(landmarks.invoices.exempt).items.some((i: { tax_rate: number }) => i.tax_rate === -1)).toBe(true);
    // Goods to a Czech company: an intra-EU supply at 0%, its transport included (not reverse charge, which is for services).
    const intraEu = byNumber(landmarks.invoices.intraEu);
    expect(intraEu).toMatchObject({ invoice_country_code: 'CZ', invoice_nip: 'CZ27082440' });
    expect(intraEu.items.every((i: { tax_rate: number }) => i.tax_rate === 0)).toBe(true);
    expect(intraEu.additional_info).toContain('art. 42');
    expect(invoices.some((i) => i.items.some((it: { tax_rate: number }) => it.tax_rate === -0.03))).toBe(false);
    expect(invoices.some((i) => i.items.some((it: { is_shipment: number }) => it.is_shipment === 1))).toBe(true);
    expect(byNumber('FV/1/11/2026').seller).toContain('\nNIP: ');
  });

  it('sends gov_id, gov_date and gov_status only with get_government_data', async () => {
    const emu = await start();
    const plain = (await call(emu, 'getInvoices', {})).json.invoices as Record<string, unknown>[];
    for (const inv of plain) expect(Object.keys(inv).filter((k) => k.startsWith('gov_'))).toEqual([]);
    const withGov = (await call(emu, 'getInvoices', { get_government_data: true })).json.invoices as Record<string, any>[];
    const byNumber = (n: string) => withGov.find((i) => i.number === n)!;
    // Issued a day or more before the end of asOf: accepted, with a KSeF number of the seller's NIP and the day.
    expect(byNumber('FV/1/11/2026')).toMatchObject({ gov_id: expect.stringMatching(/^6762461234-202611\d\d-[0-9A-F]{12}-[0-9A-F]{2}$/), gov_status: 2 });
    expect(byNumber('FV/1/11/2026').gov_date).toBeGreaterThan(byNumber('FV/1/11/2026').date_add);
    expect(landmarks.invoices.ksefPending.length).toBeGreaterThan(0);
    for (const n of landmarks.invoices.ksefPending) expect(byNumber(n)).toMatchObject({ gov_id: '', gov_status: 1 });
    expect(byNumber(landmarks.invoices.external)).toMatchObject({ gov_id: '', gov_date: 0, gov_status: 0 });
  });

  it("getInvoiceFile's official PDF carries the KSeF number once KSeF accepted the invoice, so it changes then", async () => {
    const emu = await start();
    const pending = emu.shop.invoices.find((i) => i.number === landmarks.invoices.ksefPending[0])!;
    const pdf = async () => Buffer.from(((await call(emu, 'getInvoiceFile', { invoice_id: pending.invoice_id })).json.invoice as string).slice(5), 'base64');
    const before = await pdf();
    expect(pdfToText(before)).not.toContain('KSeF:');
    pending.government = { id: '6762461234-20261120-0123456789AB-CD', date: pending.date_add + 7200, status: 2 };
    const after = await pdf();
    expect(after.equals(before)).toBe(false);
    expect(pdfToText(after)).toContain('KSeF: 6762461234-20261120-0123456789AB-CD');
  });

  it("serves an external system's file as XML when that is what it made", async () => {
    const emu = await start();
    const ext = emu.shop.invoices.find((i) => i.external)!;
    ext.externalFile = 'xml';
    const answer = (await call(emu, 'getInvoiceFile', { invoice_id: ext.invoice_id, get_external: true })).json;
    const xml = Buffer.from((answer.invoice as string).slice('data:'.length), 'base64').toString('utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Faktura /);
    expect(xml).toContain(`<P_2>${ext.external_invoice_number}</P_2>`);
    expect(answer.invoice_number).toBe(ext.external_invoice_number);
  });

  it('getInvoiceFile returns "data:" + base64 of a deterministic PDF, and the external file when asked', async () => {
    const emu = await start();
    const invoiceId = 3107;
    const a = (await call(emu, 'getInvoiceFile', { invoice_id: invoiceId })).json;
    expect(a.status).toBe('SUCCESS');
    expect(a.invoice_number).toBe('FV/3/11/2026');
    expect(a.invoice.startsWith('data:')).toBe(true);
    const bytes = Buffer.from(a.invoice.slice('data:'.length), 'base64');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const b = (await call(emu, 'getInvoiceFile', { invoice_id: invoiceId, get_external: true })).json;
    expect(b.invoice).toBe(a.invoice);

    const ext = emu.shop.invoices.find((i) => i.external)!;
    const own = (await call(emu, 'getInvoiceFile', { invoice_id: ext.invoice_id })).json;
    expect(own.invoice_number).toBe(ext.number);
    const external = (await call(emu, 'getInvoiceFile', { invoice_id: ext.invoice_id, get_external: true })).json;
    expect(external.invoice_number).toBe(ext.external_invoice_number);
    expect(external.invoice).not.toBe(own.invoice);

    const missing = (await call(emu, 'getInvoiceFile', { invoice_id: 1 })).json;
    expect(missing.status).toBe('ERROR');
  });

  it('serves the shop live, so a test can change an invoice between two runs', async () => {
    const emu = await start();
    const before = (await call(emu, 'getInvoiceFile', { invoice_id: 3105 })).json.invoice;
    emu.shop.invoices.find((i) => i.invoice_id === 3105)!.invoice_fullname = 'Agnieszka Żółkiewska-Nowak';
    const listed = (await call(emu, 'getInvoices', { invoice_id: 3105 })).json.invoices[0];
    expect(listed.invoice_fullname).toBe('Agnieszka Żółkiewska-Nowak');
    const after = (await call(emu, 'getInvoiceFile', { invoice_id: 3105 })).json.invoice;
    expect(after).not.toBe(before);
  });
});

describe('receipts', () => {
  it('getReceipts lists the documented subset: no currency, no total, products[]', async () => {
    const emu = await start();
    const r = await call(emu, 'getReceipts', { id_from: 9004 });
    const receipts = r.json.receipts as Record<string, any>[];
    expect(receipts[0]!.receipt_id).toBe(9004);
    expect(receipts.map((x) => x.receipt_full_nr)).toEqual(landmarks.receipts.thisMonth);
    for (const x of receipts) {
      expect(Object.keys(x).sort()).toEqual(['date_add', 'nip', 'order_id', 'payment_method', 'products', 'receipt_full_nr', 'receipt_id', 'series_id']);
      expect(Object.keys(x.products[0]).sort()).toEqual(['ean', 'name', 'price_brutto', 'quantity', 'sku', 'tax_rate']);
    }
  });

  it('getReceipt puts the full receipt at top level, by receipt_id or order_id', async () => {
    const emu = await start();
    const byId = (await call(emu, 'getReceipt', { receipt_id: 9007 })).json;
    expect(byId).toMatchObject({ status: 'SUCCESS', receipt_id: 9007, receipt_full_nr: landmarks.receipts.czk, currency: 'CZK', month: 11, year: 2026, sub_id: 4 });
    for (const key of ['total_price_brutto', 'external_receipt_number', 'exchange_currency', 'exchange_rate', 'exchange_date', 'exchange_info', 'items']) {
      expect(byId).toHaveProperty(key);
    }
    const sum = byId.items.reduce((s: number, i: { price_brutto: number; quantity: number }) => s + Math.round(i.price_brutto * 100) * i.quantity, 0) / 100;
    expect(byId.total_price_brutto).toBe(sum);
    const byOrder = (await call(emu, 'getReceipt', { order_id: byId.order_id })).json;
    expect(byOrder.receipt_id).toBe(9007);
    expect((await call(emu, 'getReceipt', { receipt_id: 1 })).json.status).toBe('ERROR');
  });

  it('filters by date_from and date_to', async () => {
    const emu = await start();
    const monthStart = emu.shop.invoices.find((i) => i.number === 'FV/1/11/2026')!.date_add - 86_400 * 2;
    const r = await call(emu, 'getReceipts', { date_from: monthStart, date_to: landmarks.statusWindow.to });
    expect((r.json.receipts as { receipt_full_nr: string }[]).map((x) => x.receipt_full_nr)).toEqual(
      expect.arrayContaining(landmarks.receipts.thisMonth),
    );
  });
});

describe('rate limit', () => {
  it('blocks the token on the request after the limit, says until when (Warsaw time), and unblocks after the block', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const emu = await start({ requestsPerMinute: 5, blockSeconds: 300, now: () => now });
    for (let i = 0; i < 5; i++) {
      expect((await call(emu, 'getSeries')).json.status).toBe('SUCCESS');
      now += 1000;
    }
    const blocked = await call(emu, 'getSeries');
    expect(blocked.http).toBe(200);
    expect(blocked.json).toEqual({
      status: 'ERROR',
      error_code: 'ERROR_BLOCKED_TOKEN',
      // 10:00:05 UTC + 300 s = 11:05:05 in Warsaw (CET).
      error_message: 'Query limit exceeded, token blocked until 2026-11-20 11:05:05',
    });
    now += 299_000;
    expect((await call(emu, 'getSeries')).json.error_code).toBe('ERROR_BLOCKED_TOKEN');
    now += 1000;
    expect((await call(emu, 'getSeries')).json.status).toBe('SUCCESS');
  });

  it('counts in a rolling minute: spacing requests out never blocks', async () => {
    let now = Date.parse('2026-07-01T10:00:00Z');
    const emu = await start({ requestsPerMinute: 5, now: () => now });
    for (let i = 0; i < 20; i++) {
      expect((await call(emu, 'getSeries')).json.status).toBe('SUCCESS');
      now += 12_000;
    }
  });

  it('runs the minute faster with timeScale, for benchmarks', async () => {
    let now = Date.parse('2026-07-01T10:00:00Z');
    const emu = await start({ requestsPerMinute: 5, timeScale: 60, now: () => now });
    for (let i = 0; i < 5; i++) expect((await call(emu, 'getSeries')).json.status).toBe('SUCCESS');
    now += 1001; // one emulated minute
    for (let i = 0; i < 5; i++) expect((await call(emu, 'getSeries')).json.status).toBe('SUCCESS');
    expect((await call(emu, 'getSeries')).json.error_code).toBe('ERROR_BLOCKED_TOKEN');
  });
});

describe('faults', () => {
  it('http500: a non-200 answer', async () => {
    const emu = await start();
    emu.injectFault({ kind: 'http500' });
    const r = await call(emu, 'getOrders');
    expect(r.http).toBe(500);
    expect((await call(emu, 'getOrders')).json.status).toBe('SUCCESS');
  });

  it('html: an HTML page with HTTP 200 by default, or 502', async () => {
    const emu = await start();
    emu.injectFault({ kind: 'html' });
    emu.injectFault({ kind: 'html', httpStatus: 502 });
    const a = await call(emu, 'getOrders');
    expect(a.http).toBe(200);
    expect(a.contentType).toMatch(/text\/html/);
    expect(a.text).toMatch(/^<!DOCTYPE html>/);
    expect((await call(emu, 'getOrders')).http).toBe(502);
  });

  it('badJson: HTTP 200 with a truncated JSON body', async () => {
    const emu = await start();
    emu.injectFault({ kind: 'badJson' });
    const r = await call(emu, 'getOrderStatusList');
    expect(r.http).toBe(200);
    expect(r.text.startsWith('{"status":"SUCCESS"')).toBe(true);
    expect(() => JSON.parse(r.text)).toThrow();
  });

  it('reset: the connection is destroyed', async () => {
    const emu = await start();
    emu.injectFault({ kind: 'reset' });
    await expect(call(emu, 'getOrders')).rejects.toThrow();
    expect((await call(emu, 'getOrders')).json.status).toBe('SUCCESS');
  });

  it('delay: answers normally after delayMs', async () => {
    const emu = await start();
    emu.injectFault({ kind: 'delay', delayMs: 300 });
    const t0 = performance.now();
    const r = await call(emu, 'getSeries');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(r.json.status).toBe('SUCCESS');
  });

  it('blocked: ERROR_BLOCKED_TOKEN with a block a few seconds ahead, which really holds', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const emu = await start({ now: () => now });
    emu.injectFault({ kind: 'blocked', delayMs: 3000 });
    const r = await call(emu, 'getOrders');
    expect(r.json).toMatchObject({ status: 'ERROR', error_code: 'ERROR_BLOCKED_TOKEN' });
    expect(r.json.error_message).toBe('Query limit exceeded, token blocked until 2026-11-20 11:00:03');
    expect((await call(emu, 'getOrders')).json.error_code).toBe('ERROR_BLOCKED_TOKEN');
    now += 3000;
    expect((await call(emu, 'getOrders')).json.status).toBe('SUCCESS');
  });

  it('hits only the method named, as many times as asked', async () => {
    const emu = await start();
    emu.injectFault({ kind: 'http500', method: 'getInvoiceFile', times: 2 });
    expect((await call(emu, 'getInvoices')).http).toBe(200);
    expect((await call(emu, 'getInvoiceFile', { invoice_id: 3105 })).http).toBe(500);
    expect((await call(emu, 'getInvoiceFile', { invoice_id: 3105 })).http).toBe(500);
    expect((await call(emu, 'getInvoiceFile', { invoice_id: 3105 })).json.status).toBe('SUCCESS');
  });
});

describe('recording', () => {
  it('records method, parameters, time and outcome of every request, never the token', async () => {
    let now = 1_800_000_000_000;
    const emu = await start({ now: () => now });
    await call(emu, 'getOrders', { date_confirmed_from: 1_790_000_000 });
    now += 500;
    await call(emu, 'getOrders', {}, { header: 'wrong-token' });
    emu.injectFault({ kind: 'html' });
    await call(emu, 'getInvoices', { id_from: 3101 });
    await call(emu, 'getSeries', {}, { header: null, bodyToken: TOKEN });
    await call(emu, 'getSeries', { token: TOKEN });
    expect(emu.requests.map(({ method, parameters, at, outcome, errorCode, fault }) => ({ method, parameters, at, outcome, errorCode, fault }))).toEqual([
      { method: 'getOrders', parameters: { date_confirmed_from: 1_790_000_000 }, at: 1_800_000_000_000, outcome: 'SUCCESS', errorCode: undefined, fault: undefined },
      { method: 'getOrders', parameters: {}, at: 1_800_000_000_500, outcome: 'ERROR', errorCode: 'ERROR_BAD_TOKEN', fault: undefined },
      { method: 'getInvoices', parameters: { id_from: 3101 }, at: 1_800_000_000_500, outcome: 'fault', errorCode: undefined, fault: 'html' },
      { method: 'getSeries', parameters: {}, at: 1_800_000_000_500, outcome: 'SUCCESS', errorCode: undefined, fault: undefined },
      { method: 'getSeries', parameters: {}, at: 1_800_000_000_500, outcome: 'SUCCESS', errorCode: undefined, fault: undefined },
    ]);
    expect(JSON.stringify(emu.requests)).not.toContain(TOKEN);
  });
});

describe('demo shop', () => {
  it('is deterministic for a given asOf', () => {
    expect(demoShop({ asOf: AS_OF })).toEqual(demoShop({ asOf: AS_OF }));
    expect(demoLandmarks({ asOf: AS_OF })).toEqual(landmarks);
  });

  it('has the promised layout', () => {
    const shop: Shop = demoShop({ asOf: AS_OF });
    const confirmed = shop.orders.filter((o) => o.confirmed);
    expect(confirmed.length).toBeGreaterThanOrEqual(230);
    expect(shop.orders.filter((o) => !o.confirmed).map((o) => o.order_id)).toEqual(landmarks.unconfirmed);
    const end = landmarks.statusWindow.to;
    const old = shop.orders.find((o) => o.order_id === landmarks.oldOrderRecentStatus)!;
    expect(Math.round((end - old.date_confirmed) / 86_400)).toBe(61);
    expect(old.date_in_status).toBeGreaterThanOrEqual(landmarks.statusWindow.from);
    const beyond = shop.orders.find((o) => o.order_id === landmarks.beyondHorizon)!;
    expect(end - beyond.date_confirmed).toBeGreaterThan(100 * 86_400);
    expect(beyond.date_in_status).toBeGreaterThanOrEqual(landmarks.statusWindow.from);
    expect(confirmed.filter((o) => o.date_confirmed === landmarks.sameSecondRun.dateConfirmed)).toHaveLength(120);
    expect(confirmed.some((o) => o.date_in_status < landmarks.statusWindow.from)).toBe(true);
    expect(Math.max(...shop.orders.map((o) => o.date_in_status))).toBeLessThan(end);

    expect(shop.invoices).toHaveLength(20);
    expect(landmarks.invoices.previousMonth).toEqual(['FV/57/10/2026', 'FV/58/10/2026', 'FV/59/10/2026', 'FV/60/10/2026']);
    expect(landmarks.invoices).toMatchObject({ correcting: 'FK/1/11/2026', corrected: 'FV/3/11/2026', eur: 'FV/2/11/2026', intraEu: 'FV/5/11/2026', exempt: 'FV/7/11/2026', external: 'ZEW/1/11/2026' });
    expect(shop.receipts).toHaveLength(10);
  });

  it('keeps amounts as BaseLinker does: unit net from gross to four decimals, totals the sums of the items', () => {
    const shop = demoShop({ asOf: AS_OF });
    const cents = (x: unknown) => Math.round(Number(x) * 100);
    for (const inv of shop.invoices) {
      for (const item of inv.items) {
        const net = item.tax_rate >= 0 ? Number(item.price_brutto) / (1 + item.tax_rate / 100) : Number(item.price_brutto);
        expect(Math.abs(Number(item.price_netto) - net)).toBeLessThanOrEqual(0.00005 + 1e-12);
      }
      expect(cents(inv.total_price_brutto)).toBe(inv.items.reduce((s, i) => s + cents(i.price_brutto) * i.quantity, 0));
      // The net total unrounded, like BaseLinker's 205.691: the sum of the four-decimal unit nets.
      const net = inv.items.reduce((s, i) => s + Number(i.price_netto) * i.quantity, 0);
      expect(Math.abs(Number(inv.total_price_netto) - net)).toBeLessThan(1e-6);
      const order = shop.orders.find((o) => o.order_id === inv.order_id)!;
      expect(order.want_invoice).toBe('1');
    }
    for (const r of shop.receipts) {
      expect(cents(r.total_price_brutto)).toBe(r.items.reduce((s, i) => s + cents(i.price_brutto) * i.quantity, 0));
      const order = shop.orders.find((o) => o.order_id === r.order_id)!;
      expect(r.currency).toBe(order.currency);
    }
  });

  it('holds together across month and year edges and time zones', () => {
    for (const asOf of ['2026-01-01', '2026-03-29', '2026-10-31', '2026-12-31']) {
      for (const timeZone of ['Europe/Warsaw', 'America/New_York']) {
        const shop = demoShop({ asOf, timeZone });
        const l = demoLandmarks({ asOf, timeZone });
        expect(l.sameSecondRun.orderIds).toHaveLength(120);
        expect(l.invoices.thisMonth).toHaveLength(15);
        const confirmed = shop.orders.filter((o) => o.confirmed).sort((a, b) => a.date_confirmed - b.date_confirmed || a.order_id - b.order_id);
        expect(confirmed.every((o, i) => i === 0 || o.order_id > confirmed[i - 1]!.order_id)).toBe(true);
        expect(shop.orders.every((o) => !o.confirmed || (o.date_add <= o.date_confirmed && o.date_confirmed <= o.date_in_status))).toBe(true);
      }
    }
  });
});
