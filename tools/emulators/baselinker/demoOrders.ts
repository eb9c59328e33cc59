// The demo shop's orders: a described order (OrderSpec) and its raw wire record, plus the generated
// background traffic and the hand-placed special cases the backup must get right.

import {
  currencyFor, deliveryFor, EVERYDAY_BUYERS, EVERYDAY_PRODUCTS, PEOPLE, PRODUCTS, STATUS,
  type Currency, type Delivery, type Person, type Product,
} from './demoCatalog.js';
import { DAY, HOUR, seededRandom, type AccountClock } from './demoTime.js';
import type { WireOrder, WireOrderProduct } from './shop.js';

export interface OrderLine {
  product: Product;
  quantity: number;
  /** Overrides the product's rate (0% intra-EU supplies and -0.03 reverse charge sales carry net prices). */
  taxRate?: number;
}

export interface OrderSpec {
  /** Names the special cases, so the shop can report their ids. */
  tag?: 'sameSecondRun' | 'oldOrderRecentStatus' | 'beyondHorizon' | 'unconfirmed';
  buyer: Person;
  lines: OrderLine[];
  currency: Currency;
  source: 'shop' | 'allegro';
  dateAdd: number;
  /** 0 while unconfirmed. */
  dateConfirmed: number;
  statusId: number;
  inStatus: number;
  paymentMethod: string;
  cod: boolean;
  paid: boolean;
  wantInvoice: boolean;
  pickup?: boolean;
  /** A carrier other than the buyer country's usual one. */
  delivery?: Delivery;
  userComments?: string;
  /** Varies the loose wire types (string or number) from order to order, deterministically. */
  variant: number;
}

/** Unit gross price of a line in the order's currency; zero-rated and reverse-charge lines are sold at the net price. */
export function linePrice(line: OrderLine, currency: Currency): number {
  const gross = line.product.price[currency];
  if ((line.taxRate === 0 || line.taxRate === -0.03) && line.product.taxRate > 0) return cents(gross / (1 + line.product.taxRate / 100));
  return gross;
}

/**
 * Goods sent to a company with a VAT id in another EU country are an intra-EU supply (WDT): 0% in Poland, the
 * buyer accounts for the VAT at home (art. 42 of the VAT act). Reverse charge ("oo") and art. 28b are for services.
 */
export function isIntraEuSupply(buyer: Person): boolean {
  return buyer.countryCode !== 'PL' && buyer.nip !== '';
}

/** The lines of a sale to this buyer: zero-rated when they are an intra-EU supply. */
export function linesFor(buyer: Person, lines: OrderLine[]): OrderLine[] {
  return isIntraEuSupply(buyer) ? lines.map((line) => ({ ...line, taxRate: 0 })) : lines;
}

export function lineTaxRate(line: OrderLine): number {
  return line.taxRate ?? line.product.taxRate;
}

export function deliveryOf(spec: OrderSpec): Delivery {
  if (spec.pickup) return { method: 'Odbiór osobisty', module: '', price: 0 };
  return spec.delivery ?? deliveryFor(spec.buyer.countryCode, spec.variant);
}

export function orderTotal(spec: OrderSpec): number {
  const goods = spec.lines.reduce((sum, l) => sum + Math.round(linePrice(l, spec.currency) * 100) * l.quantity, 0);
  return (goods + Math.round(deliveryOf(spec).price * 100)) / 100;
}

export function toWireOrder(spec: OrderSpec, orderId: number): WireOrder {
  const b = spec.buyer;
  const delivery = deliveryOf(spec);
  const shipped = spec.statusId === STATUS.shipped || spec.statusId === STATUS.completed || spec.statusId === STATUS.returned || spec.statusId === STATUS.complaint;
  const total = orderTotal(spec);
  const fromShop = spec.source === 'shop';
  const products = spec.lines.map((line, i): WireOrderProduct => {
    const price = linePrice(line, spec.currency);
    return {
      storage: 'db',
      storage_id: 1,
      order_product_id: orderId * 10 + i,
      product_id: line.product.productId,
      variant_id: '0',
      name: line.product.name,
      attributes: line.product === PRODUCTS.tablecloth ? 'Kolor: szary' : '',
      sku: line.product.sku,
      ean: line.product.ean,
      location: '',
      warehouse_id: 0,
      auction_id: fromShop ? '' : String(13_000_000_000 + orderId),
      // Some integrations store prices as strings: the API then returns them as strings.
      price_brutto: spec.variant % 5 === 0 ? price.toFixed(2) : price,
      tax_rate: lineTaxRate(line),
      quantity: line.quantity,
      weight: line.product.weight,
      bundle_id: 0,
    };
  });
  return {
    order_id: orderId,
    shop_order_id: fromShop ? orderId % 100_000 : 0,
    external_order_id: fromShop ? '' : allegroId(orderId),
    order_source: spec.source,
    order_source_id: fromShop ? 1021 : 3344,
    order_source_info: fromShop ? 'kram.example.pl' : 'Allegro: bursztynowy_kram',
    order_status_id: spec.statusId,
    confirmed: spec.dateConfirmed !== 0,
    date_confirmed: spec.dateConfirmed,
    date_add: spec.dateAdd,
    date_in_status: spec.inStatus,
    user_login: b.login,
    phone: b.phone,
    email: b.email,
    user_comments: spec.userComments ?? '',
    admin_comments: spec.wantInvoice && b.nip ? 'Faktura na firmę – sprawdzić NIP' : '',
    currency: spec.currency,
    payment_method: spec.paymentMethod,
    payment_method_cod: fromShop ? (spec.cod ? '1' : '0') : spec.cod ? 1 : 0,
    // "payment_done":"50" is what the docs' own examples show; some accounts send numbers.
    payment_done: spec.paid ? (spec.variant % 3 === 0 ? String(total) : total) : spec.variant % 2 === 0 ? '0' : 0,
    delivery_method: delivery.method,
    delivery_price: delivery.price,
    delivery_package_module: shipped ? delivery.module : '',
    delivery_package_nr: shipped ? packageNumber(delivery.module, orderId) : '',
    delivery_fullname: b.fullname,
    delivery_company: b.company,
    delivery_address: b.address,
    delivery_city: b.city,
    delivery_state: '',
    delivery_postcode: b.postcode,
    delivery_country_code: b.countryCode,
    delivery_country: b.country,
    delivery_point_id: delivery.point?.id ?? '',
    delivery_point_name: delivery.point?.name ?? '',
    delivery_point_address: delivery.point?.address ?? '',
    delivery_point_postcode: delivery.point?.postcode ?? '',
    delivery_point_city: delivery.point?.city ?? '',
    invoice_fullname: spec.wantInvoice ? b.fullname : '',
    invoice_company: spec.wantInvoice ? b.company : '',
    invoice_nip: spec.wantInvoice ? b.nip : '',
    invoice_address: spec.wantInvoice ? b.address : '',
    invoice_city: spec.wantInvoice ? b.city : '',
    invoice_state: '',
    invoice_postcode: spec.wantInvoice ? b.postcode : '',
    invoice_country_code: spec.wantInvoice ? b.countryCode : '',
    invoice_country: spec.wantInvoice ? b.country : '',
    want_invoice: spec.wantInvoice ? '1' : '0',
    extra_field_1: '',
    extra_field_2: spec.source === 'allegro' ? 'Smart!' : '',
    order_page: `https://kram.example.pl/zamowienie/${(Math.imul(orderId, 2654435761) >>> 0).toString(16)}`,
    pick_state: shipped ? 1 : 0,
    pack_state: shipped ? 1 : 0,
    star: 0,
    products,
  };
}

/**
 * Everyday orders: about one a day over the last 120 days, at daytime hours. None is confirmed 88–92 days
 * before asOf, so whether an order is within a default 90-day scan never hangs on how a client rounds.
 */
export function backgroundOrders(clock: AccountClock): OrderSpec[] {
  const rnd = seededRandom(20_261_120);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const latest = clock.at(0, 17, 30);
  const specs: OrderSpec[] = [];
  for (let d = 119; d >= 0; d--) {
    const skip = rnd() < 0.15;
    const hour = 7 + Math.floor(rnd() * (d === 0 ? 9 : 14));
    const confirmedAt = clock.at(d, hour, Math.floor(rnd() * 60), Math.floor(rnd() * 60));
    const buyer = pick(EVERYDAY_BUYERS);
    const lines = pickLines(rnd);
    const roll = rnd();
    if (skip || (d >= 88 && d <= 92)) continue;

    const variant = specs.length;
    const allegro = buyer.countryCode === 'PL' && roll < 0.3;
    const cod = buyer.countryCode === 'PL' && !allegro && roll > 0.8;
    let statusId: number = STATUS.shipped;
    let inStatus = confirmedAt + (1 + (variant % 3)) * DAY + (variant % 4) * HOUR;
    if (roll > 0.95) [statusId, inStatus] = [STATUS.cancelled, confirmedAt + 5 * HOUR];
    else if (d >= 14 && roll < 0.5) [statusId, inStatus] = [STATUS.completed, confirmedAt + 10 * DAY];
    else if (d === 0) [statusId, inStatus] = [STATUS.new, confirmedAt];
    else if (d < 4) [statusId, inStatus] = [STATUS.processing, confirmedAt + 2 * HOUR];
    specs.push({
      buyer,
      lines,
      currency: currencyFor(buyer.countryCode),
      source: allegro ? 'allegro' : 'shop',
      dateAdd: confirmedAt - 60 - (variant % 7) * 97,
      dateConfirmed: confirmedAt,
      statusId,
      inStatus: Math.min(inStatus, latest),
      paymentMethod: cod ? 'Pobranie' : allegro ? 'Allegro Finance' : paymentFor(buyer),
      cod,
      paid: statusId !== STATUS.new && (!cod || statusId === STATUS.completed),
      wantInvoice: false,
      userComments: variant % 11 === 0 ? 'Proszę o staranne zapakowanie – to prezent!' : '',
      variant,
    });
  }
  return specs;
}

/** The cases a backup gets wrong if it is careless. See demoShop.ts for why each exists. */
export function specialOrders(clock: AccountClock): OrderSpec[] {
  const specs: OrderSpec[] = [];
  const base = { currency: 'PLN' as const, source: 'shop' as const, paymentMethod: 'Przelewy24', cod: false, paid: true, wantInvoice: false };
  specs.push({
    ...base, tag: 'oldOrderRecentStatus', buyer: PEOPLE.zofia, lines: [{ product: PRODUCTS.knife, quantity: 1 }],
    dateAdd: clock.at(60, 11, 12, 40), dateConfirmed: clock.at(60, 11, 20), statusId: STATUS.returned,
    inStatus: clock.at(2, 11, 30), variant: 1001,
  });
  specs.push({
    ...base, tag: 'beyondHorizon', buyer: PEOPLE.grzegorz, lines: [{ product: PRODUCTS.tablecloth, quantity: 2 }],
    dateAdd: clock.at(105, 13, 58, 2), dateConfirmed: clock.at(105, 14, 5), statusId: STATUS.complaint,
    inStatus: clock.at(1, 15, 45), variant: 1002,
  });
  // A marketplace import: Allegro's integration fetched a night's backlog and confirmed 120 orders in the same
  // second. Created in the two minutes before, so ids still rise with confirmation time.
  const runAt = clock.at(25, 3, 0, 0);
  const runBuyers = [PEOPLE.lukasz, PEOPLE.agnieszka, PEOPLE.grzegorz, PEOPLE.zofia, PEOPLE.marta];
  for (let k = 0; k < 120; k++) {
    specs.push({
      ...base, tag: 'sameSecondRun', source: 'allegro', paymentMethod: 'Allegro Finance',
      buyer: runBuyers[k % runBuyers.length] as Person,
      lines: [{ product: EVERYDAY_PRODUCTS[k % EVERYDAY_PRODUCTS.length] as Product, quantity: 1 + (k % 2) }],
      dateAdd: runAt - 120 + k, dateConfirmed: runAt,
      statusId: k % 10 === 9 ? STATUS.completed : STATUS.shipped,
      inStatus: clock.at(24 - (k % 19), 9 + (k % 8), (k * 7) % 60), variant: 2000 + k,
    });
  }
  const unconfirmed = [
    { buyer: PEOPLE.marta, at: clock.at(1, 21, 10, 5) },
    { buyer: PEOPLE.jiri, at: clock.at(0, 9, 15, 30) },
    { buyer: PEOPLE.lukasz, at: clock.at(0, 12, 40, 12) },
  ];
  unconfirmed.forEach(({ buyer, at }, k) =>
    specs.push({
      ...base, tag: 'unconfirmed', buyer, currency: currencyFor(buyer.countryCode), paid: false,
      paymentMethod: paymentFor(buyer), lines: [{ product: PRODUCTS.honey, quantity: 1 }],
      dateAdd: at, dateConfirmed: 0, statusId: STATUS.new, inStatus: at, variant: 3000 + k,
    }),
  );
  return specs;
}

function pickLines(rnd: () => number): OrderLine[] {
  const count = 1 + Math.floor(rnd() * 3);
  const start = Math.floor(rnd() * EVERYDAY_PRODUCTS.length);
  return Array.from({ length: count }, (_, i) => ({
    product: EVERYDAY_PRODUCTS[(start + i * 3) % EVERYDAY_PRODUCTS.length] as Product,
    quantity: 1 + Math.floor(rnd() * 2),
  }));
}

export function paymentFor(buyer: Person): string {
  return buyer.countryCode === 'PL' ? 'Przelewy24' : buyer.countryCode === 'DE' ? 'PayPal' : 'Platba kartou (Przelewy24)';
}

function allegroId(orderId: number): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const h = Math.imul(orderId, 2654435761);
  return `${hex(h)}-${hex(h ^ 0x5bd1e995).slice(0, 4)}-11ef-${hex(orderId).slice(4)}-${hex(h * 31)}${hex(orderId).slice(0, 4)}`;
}

function packageNumber(module: string, orderId: number): string {
  if (module === 'inpost') return `602677${String(orderId).padStart(18, '0')}`;
  if (module === 'dpd') return `1000${orderId}U`;
  if (module === 'dhl') return `JJD0000${orderId}`;
  if (module === 'packeta') return `Z${orderId}`;
  return '';
}

function cents(x: number): number {
  return Math.round(x * 100) / 100;
}
