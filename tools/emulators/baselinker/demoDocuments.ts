// The demo shop's accounting documents: invoices and receipts of asOf's month and a few of the month before
// (the first run's cutoff is the 1st of asOf's month, so those must be left alone), each with the order it was
// issued for. Amounts are derived from the order, so invoice, receipt and order always agree.

import { ISSUER, PEOPLE, PRODUCTS, SELLER, SERIES_ID, STATUS, type Person } from './demoCatalog.js';
import { deliveryOf, linesFor, lineTaxRate, linePrice, paymentFor, type OrderLine, type OrderSpec } from './demoOrders.js';
import { DAY, HOUR, type AccountClock } from './demoTime.js';
import type { ShopInvoice, WireInvoiceItem, WireReceipt, WireReceiptItem } from './shop.js';

export interface InvoicePlan {
  kind: 'normal' | 'correcting' | 'external';
  seriesId: number;
  number: string;
  subId: number;
  month: number;
  year: number;
  issuedAt: number;
  order: OrderSpec;
  payToDays: number;
  additionalInfo?: string;
  /** correcting: the plan it corrects, what changes and why. */
  corrects?: InvoicePlan;
  correctionLines?: OrderLine[];
  reason?: string;
  exchange?: { rate: number; date: string; info: string };
  externalNumber?: string;
  /** Serve the item prices as strings, as some accounts do. */
  stringPrices?: boolean;
}

export interface ReceiptPlan {
  number: string;
  subId: number;
  month: number;
  year: number;
  issuedAt: number;
  order: OrderSpec;
  nip: string;
  externalNumber: string;
}

export interface DocumentPlan {
  invoices: InvoicePlan[];
  receipts: ReceiptPlan[];
  /** The orders the documents were issued for (corrections share their invoice's order). */
  orders: OrderSpec[];
}

interface Sale {
  buyer: Person;
  lines: OrderLine[];
  payment?: string;
  cod?: boolean;
  pickup?: boolean;
  currencyPln?: boolean;
  delivery?: OrderSpec['delivery'];
}

const P = PRODUCTS;

export function planDocuments(clock: AccountClock): DocumentPlan {
  const orders: OrderSpec[] = [];
  const latest = clock.at(0, 17, 30);
  const prev = { month: clock.month === 1 ? 12 : clock.month - 1, year: clock.month === 1 ? clock.year - 1 : clock.year };
  const cur = { month: clock.month, year: clock.year };
  const lastPrevDay = clock.daysInMonth(-1);

  function orderFor(sale: Sale, issuedAt: number, wantInvoice: boolean, k: number): OrderSpec {
    const confirmedAt = issuedAt - 2 * HOUR - k * 7 * 60;
    const shippedAt = issuedAt + DAY;
    const cod = sale.cod ?? false;
    const spec: OrderSpec = {
      buyer: sale.buyer,
      lines: linesFor(sale.buyer, sale.lines),
      currency: sale.currencyPln ? 'PLN' : sale.buyer.countryCode === 'DE' ? 'EUR' : sale.buyer.countryCode === 'CZ' ? 'CZK' : 'PLN',
      source: 'shop',
      dateAdd: confirmedAt - 5 * 60,
      dateConfirmed: confirmedAt,
      statusId: shippedAt <= latest ? STATUS.shipped : STATUS.processing,
      inStatus: Math.min(shippedAt, latest),
      paymentMethod: cod ? 'Pobranie' : (sale.payment ?? paymentFor(sale.buyer)),
      cod,
      paid: !cod,
      wantInvoice,
      variant: 4000 + orders.length,
      ...(sale.pickup ? { pickup: true } : {}),
      ...(sale.delivery ? { delivery: sale.delivery } : {}),
    };
    orders.push(spec);
    return spec;
  }

  // Four invoices closing the previous month: before the first run's cutoff.
  const prevSales: Sale[] = [
    { buyer: PEOPLE.marta, lines: [{ product: P.bracelet, quantity: 1 }] },
    { buyer: PEOPLE.pawel, lines: [{ product: P.knife, quantity: 2 }], payment: 'Przelew' },
    { buyer: PEOPLE.lukasz, lines: [{ product: P.honey, quantity: 2 }], cod: true },
    { buyer: PEOPLE.zazolc, lines: [{ product: P.tablecloth, quantity: 1 }], payment: 'Przelew' },
  ];
  const invoices: InvoicePlan[] = prevSales.map((sale, k) => {
    const issuedAt = clock.inMonth(-1, lastPrevDay - 3 + k, 10 + k, 15 * k);
    return {
      kind: 'normal', seriesId: SERIES_ID.invoice, number: `FV/${57 + k}/${prev.month}/${prev.year}`,
      subId: 57 + k, ...prev, issuedAt, order: orderFor(sale, issuedAt, true, k), payToDays: sale.buyer.nip ? 14 : 0,
    };
  });

  // asOf's month, in issue order: spread over the days from the 1st to asOf, in office hours (08:00–17:00),
  // whatever day of the month asOf is.
  const issueTime = (k: number, of: number, shift: number) => {
    const position = ((k + shift) * clock.day) / of;
    const day = Math.floor(position);
    const minutes = Math.floor((position - day) * 9 * 60);
    return clock.inMonth(0, day + 1, 8, minutes, (k * 37) % 60);
  };
  let fv = 0;
  const thisMonth: ((k: number, issuedAt: number) => InvoicePlan)[] = [];
  const normal = (sale: Sale, extra: Partial<InvoicePlan> = {}) =>
    thisMonth.push((k, issuedAt) => {
      fv += 1;
      return {
        kind: 'normal', seriesId: SERIES_ID.invoice, number: `FV/${fv}/${cur.month}/${cur.year}`, subId: fv, ...cur,
        issuedAt, order: orderFor(sale, issuedAt, true, k), payToDays: 0, ...extra,
      };
    });
  normal({ buyer: PEOPLE.agnieszka, lines: [{ product: P.tea, quantity: 2 }, { product: P.honey, quantity: 1 }] });
  thisMonth.push((k, issuedAt) => {
    fv += 1;
    const rateDay = previousBusinessDay(clock, issuedAt);
    return {
      kind: 'normal', seriesId: SERIES_ID.invoice, number: `FV/${fv}/${cur.month}/${cur.year}`, subId: fv, ...cur, issuedAt,
      order: orderFor({ buyer: PEOPLE.jurgen, lines: [{ product: P.bracelet, quantity: 1 }, { product: P.mug, quantity: 2 }] }, issuedAt, true, k),
      payToDays: 0,
      additionalInfo: 'Sprzedaż wysyłkowa na odległość (WSTO), VAT polski.',
      exchange: { rate: 4.2537, date: rateDay.iso, info: `Kurs średni NBP z tabeli nr ${rateDay.table}/A/NBP/${rateDay.year} z dnia ${rateDay.iso}` },
    };
  });
  normal({ buyer: PEOPLE.lukasz, lines: [{ product: P.mug, quantity: 2 }, { product: P.candle, quantity: 1 }] });
  normal({ buyer: PEOPLE.grzegorz, lines: [{ product: P.cookbook, quantity: 1 }, { product: P.gingerbread, quantity: 2 }], cod: true });
  normal(
    {
      buyer: PEOPLE.kun, currencyPln: true, payment: 'Przelew',
      lines: [{ product: P.knife, quantity: 3 }, { product: P.bracelet, quantity: 5 }],
      delivery: { method: 'Kurier DPD Classic (CZ)', module: 'dpd', price: 39 },
    },
    { payToDays: 14, additionalInfo: 'Wewnątrzwspólnotowa dostawa towarów (WDT), stawka 0% – art. 42 ust. 1 ustawy o VAT.' },
  );
  thisMonth.push((k, issuedAt) => ({
    kind: 'external', seriesId: SERIES_ID.external, number: `ZEW/1/${cur.month}/${cur.year}`, subId: 1, ...cur, issuedAt,
    order: orderFor({ buyer: PEOPLE.pracownia, payment: 'Przelew', lines: [{ product: P.tablecloth, quantity: 4 }, { product: P.candle, quantity: 6 }] }, issuedAt, true, k),
    payToDays: 14, externalNumber: `FS 42/${cur.month}/${cur.year}`,
  }));
  normal({ buyer: PEOPLE.zofia, lines: [{ product: P.horse, quantity: 1 }] }, { stringPrices: true });
  normal(
    { buyer: PEOPLE.zazolc, payment: 'Przelew', lines: [{ product: P.tablecloth, quantity: 2 }, { product: P.mug, quantity: 6 }, { product: P.insurance, quantity: 1 }] },
    // BaseLinker has no field for the basis of an exemption: sellers write it here.
    { payToDays: 14, additionalInfo: 'Ubezpieczenie przesyłki zwolnione z VAT na podstawie art. 43 ust. 1 pkt 37 ustawy o VAT.' },
  );
  normal({ buyer: PEOPLE.pawel, lines: [{ product: P.knife, quantity: 1 }] });
  thisMonth.push((_k, issuedAt) => {
    const corrected = invoices.find((i) => i.number === `FV/3/${cur.month}/${cur.year}`) as InvoicePlan;
    return {
      kind: 'correcting', seriesId: SERIES_ID.correction, number: `FK/1/${cur.month}/${cur.year}`, subId: 1, ...cur, issuedAt,
      order: corrected.order, payToDays: 0, corrects: corrected,
      correctionLines: [{ product: P.mug, quantity: -1 }],
      reason: 'Zwrot towaru – odstąpienie od umowy (1 szt. kubka)',
    };
  });
  normal({ buyer: PEOPLE.marta, lines: [{ product: P.gingerbread, quantity: 3 }] });
  normal({ buyer: PEOPLE.tomasz, pickup: true, lines: [{ product: P.honey, quantity: 4 }, { product: P.tea, quantity: 2 }] });
  normal({ buyer: PEOPLE.lukasz, lines: [{ product: P.bracelet, quantity: 1 }] });
  normal({ buyer: PEOPLE.agnieszka, lines: [{ product: P.candle, quantity: 2 }, { product: P.horse, quantity: 1 }] });
  normal({ buyer: PEOPLE.grzegorz, lines: [{ product: P.cookbook, quantity: 2 }] });
  normal({ buyer: PEOPLE.zofia, lines: [{ product: P.tea, quantity: 1 }, { product: P.mug, quantity: 1 }] });
  thisMonth.forEach((make, k) => invoices.push(make(k, issueTime(k, thisMonth.length, 0.5))));

  const receiptSales: { sale: Sale; nip?: string; externalNumber?: string; prev?: boolean }[] = [
    { prev: true, sale: { buyer: PEOPLE.zofia, lines: [{ product: P.tea, quantity: 1 }] } },
    { prev: true, sale: { buyer: PEOPLE.grzegorz, lines: [{ product: P.candle, quantity: 2 }], cod: true } },
    { prev: true, sale: { buyer: PEOPLE.agnieszka, lines: [{ product: P.mug, quantity: 1 }] } },
    { sale: { buyer: PEOPLE.lukasz, lines: [{ product: P.honey, quantity: 1 }, { product: P.gingerbread, quantity: 1 }] } },
    { sale: { buyer: PEOPLE.marta, lines: [{ product: P.bracelet, quantity: 1 }] } },
    { sale: { buyer: PEOPLE.tomasz, lines: [{ product: P.cookbook, quantity: 1 }] }, nip: PEOPLE.tomasz.nip },
    { sale: { buyer: PEOPLE.katerina, lines: [{ product: P.horse, quantity: 1 }] } },
    { sale: { buyer: PEOPLE.zofia, lines: [{ product: P.candle, quantity: 1 }, { product: P.tea, quantity: 2 }] } },
    { sale: { buyer: PEOPLE.agnieszka, lines: [{ product: P.knife, quantity: 1 }] }, externalNumber: '000123/FP/2026' },
    { sale: { buyer: PEOPLE.grzegorz, lines: [{ product: P.mug, quantity: 2 }], cod: true } },
  ];
  let prevNo = 39;
  let curNo = 0;
  const curCount = receiptSales.filter((r) => !r.prev).length;
  const receipts = receiptSales.map(({ sale, nip, externalNumber, prev: inPrev }, k): ReceiptPlan => {
    const issuedAt = inPrev
      ? clock.inMonth(-1, lastPrevDay - 2 + k, 16, 5 + 10 * k)
      : issueTime(curNo, curCount, 0.25);
    const no = inPrev ? ++prevNo : ++curNo;
    const when = inPrev ? prev : cur;
    return {
      number: `PAR/${no}/${when.month}/${when.year}`, subId: no, ...when, issuedAt,
      order: orderFor(sale, issuedAt, false, k), nip: nip ?? '', externalNumber: externalNumber ?? '',
    };
  });
  return { invoices, receipts, orders };
}

export function toShopInvoice(plan: InvoicePlan, ids: { invoiceId: number; orderId: number; correctedId: number }): ShopInvoice {
  const spec = plan.order;
  const b = spec.buyer;
  const lines = plan.correctionLines ?? spec.lines;
  const items: WireInvoiceItem[] = lines.map((line) => {
    const gross = linePrice(line, spec.currency);
    return item(line.product.name, line.product.sku, line.product.ean, gross, lineTaxRate(line), line.quantity, false, plan.stringPrices);
  });
  const delivery = deliveryOf(spec);
  if (!plan.correctionLines && delivery.price > 0) {
    // The transport of an intra-EU supply is part of it, at the same 0%.
    const zeroRated = spec.lines.every((l) => lineTaxRate(l) === 0);
    items.push(item(delivery.method, '', '', delivery.price, zeroRated ? 0 : 23, 1, true, plan.stringPrices));
  }
  // As BaseLinker keeps them: the gross total in grosze, the net total as the sum of the four-decimal unit nets
  // (its documented sample has 205.691).
  const grossTotal = items.reduce((acc, i) => acc + Math.round(Number(i.price_brutto) * 100) * i.quantity, 0) / 100;
  const netTotal = Math.round(items.reduce((acc, i) => acc + Number(i.price_netto) * 10_000 * i.quantity, 0)) / 10_000;
  return {
    invoice_id: ids.invoiceId,
    order_id: ids.orderId,
    series_id: plan.seriesId,
    type: plan.kind === 'correcting' ? 'correcting' : 'normal',
    number: plan.number,
    sub_id: plan.subId,
    month: plan.month,
    year: plan.year,
    postfix: '',
    date_add: plan.issuedAt,
    date_sell: plan.corrects ? plan.corrects.order.dateConfirmed : spec.dateConfirmed,
    date_pay_to: plan.payToDays ? plan.issuedAt + plan.payToDays * DAY : 0,
    currency: spec.currency,
    total_price_brutto: grossTotal,
    total_price_netto: netTotal,
    payment: spec.paymentMethod,
    additional_info: plan.additionalInfo ?? '',
    invoice_fullname: b.fullname,
    invoice_company: b.company,
    invoice_nip: b.nip,
    invoice_address: b.address,
    invoice_postcode: b.postcode,
    invoice_city: b.city,
    invoice_country: b.country,
    invoice_country_code: b.countryCode,
    seller: SELLER,
    issuer: ISSUER,
    correcting_to_invoice_id: ids.correctedId,
    correcting_reason: plan.reason ?? '',
    correcting_items: plan.kind === 'correcting',
    correcting_data: false,
    external_invoice_number: plan.externalNumber ?? '',
    exchange_currency: plan.exchange ? 'PLN' : '',
    exchange_rate: plan.exchange ? plan.exchange.rate : '',
    exchange_date: plan.exchange?.date ?? '',
    exchange_info: plan.exchange?.info ?? '',
    items,
    external: plan.kind === 'external',
    government: null,
  };
}

export function toWireReceipt(plan: ReceiptPlan, ids: { receiptId: number; orderId: number }): WireReceipt {
  const spec = plan.order;
  const items: WireReceiptItem[] = spec.lines.map((line) => ({
    name: line.product.name,
    price_brutto: linePrice(line, spec.currency),
    tax_rate: lineTaxRate(line),
    quantity: line.quantity,
    sku: line.product.sku,
    ean: line.product.ean,
  }));
  const delivery = deliveryOf(spec);
  if (delivery.price > 0) items.push({ name: delivery.method, price_brutto: delivery.price, tax_rate: 23, quantity: 1, sku: '', ean: '' });
  const total = items.reduce((acc, i) => acc + Math.round(Number(i.price_brutto) * 100) * i.quantity, 0) / 100;
  return {
    receipt_id: ids.receiptId,
    series_id: SERIES_ID.receipt,
    receipt_full_nr: plan.number,
    year: plan.year,
    month: plan.month,
    sub_id: plan.subId,
    order_id: ids.orderId,
    date_add: plan.issuedAt,
    payment_method: spec.paymentMethod,
    nip: plan.nip,
    currency: spec.currency,
    total_price_brutto: total,
    external_receipt_number: plan.externalNumber,
    exchange_currency: '',
    exchange_rate: '',
    exchange_date: '',
    exchange_info: '',
    items,
  };
}

function item(
  name: string, sku: string, ean: string, gross: number, taxRate: number, quantity: number, isShipment: boolean,
  asStrings = false,
): WireInvoiceItem {
  // Unit net from unit gross to four decimals, as BaseLinker derives it (99 gross at 23% is 80.4878 net); special
  // rates (zw, np, oo) carry no VAT.
  const net = taxRate >= 0 ? Math.round((gross / (1 + taxRate / 100)) * 10_000) / 10_000 : gross;
  return {
    name, sku, ean,
    price_brutto: asStrings ? gross.toFixed(2) : gross,
    price_netto: asStrings ? String(net) : net,
    tax_rate: taxRate,
    quantity,
    is_shipment: isShipment ? 1 : 0,
  };
}

/** The NBP rate for an invoice is the average rate of the last business day before issue (holidays ignored). */
function previousBusinessDay(clock: AccountClock, issuedAt: number): { iso: string; table: number; year: number } {
  const { year, month, day } = clock.localDate(issuedAt);
  const d = new Date(Date.UTC(year, month - 1, day));
  do d.setUTCDate(d.getUTCDate() - 1);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  let table = 0;
  for (const t = new Date(Date.UTC(d.getUTCFullYear(), 0, 1)); t <= d; t.setUTCDate(t.getUTCDate() + 1)) {
    if (t.getUTCDay() !== 0 && t.getUTCDay() !== 6) table += 1;
  }
  return { iso: d.toISOString().slice(0, 10), table, year: d.getUTCFullYear() };
}
