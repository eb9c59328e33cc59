// The fixed cast of the demo shop: a small Kraków company selling Polish crafts to Poland, Czechia and
// Germany. Names carry the diacritics real data carries (ł, ż, ř, ů, ü, ß), because file names, CSV and PDF
// rendering must survive them.

import type { WireOrderStatus, WireSeries } from './shop.js';

export const SELLER_NIP = '6762461234';

export const SELLER = [
  'Bursztynowy Kram Sp. z o.o.',
  'ul. Świętego Tomasza 24/5',
  '31-027 Kraków',
  `NIP: ${SELLER_NIP}`,
  'mBank 12 1140 2004 0000 3102 7654 3210',
].join('\n');

export const ISSUER = 'Katarzyna Ząbkowska';

export const STATUS = {
  new: 7001,
  awaitingPayment: 7002,
  processing: 7003,
  shipped: 7004,
  completed: 7005,
  cancelled: 7006,
  returned: 7007,
  complaint: 7008,
} as const;

export const STATUSES: WireOrderStatus[] = [
  { id: STATUS.new, name: 'Nowe zamówienia', name_for_customer: 'Zamówienie przyjęte', color: '#3498db' },
  { id: STATUS.awaitingPayment, name: 'Oczekujące na płatność', name_for_customer: 'Czekamy na wpłatę', color: '#f39c12' },
  { id: STATUS.processing, name: 'W realizacji', name_for_customer: 'Zamówienie w realizacji', color: '#9b59b6' },
  { id: STATUS.shipped, name: 'Wysłane', name_for_customer: 'Przesyłka wysłana', color: '#27ae60' },
  { id: STATUS.completed, name: 'Zakończone', name_for_customer: 'Zamówienie zrealizowane', color: '#16a085' },
  { id: STATUS.cancelled, name: 'Anulowane', name_for_customer: 'Zamówienie anulowane', color: '#7f8c8d' },
  { id: STATUS.returned, name: 'Zwrot', name_for_customer: 'Zwrot przyjęty', color: '#c0392b' },
  { id: STATUS.complaint, name: 'Reklamacja', name_for_customer: 'Reklamacja w toku', color: '#e74c3c' },
];

export const SERIES_ID = { invoice: 1, correction: 2, receipt: 3, external: 4 } as const;

export const SERIES: WireSeries[] = [
  { id: SERIES_ID.invoice, type: 'INVOICE', name: 'Faktury VAT', format: 'FV/%N/%M/%Y' },
  { id: SERIES_ID.correction, type: 'CORRECTION', name: 'Faktury korygujące', format: 'FK/%N/%M/%Y' },
  { id: SERIES_ID.receipt, type: 'RECEIPT', name: 'Paragony', format: 'PAR/%N/%M/%Y' },
  { id: SERIES_ID.external, type: 'INVOICE', name: 'Fakturownia (system zewnętrzny)', format: 'ZEW/%N/%M/%Y' },
];

export type Currency = 'PLN' | 'EUR' | 'CZK';

export interface Person {
  fullname: string;
  company: string;
  nip: string;
  address: string;
  postcode: string;
  city: string;
  country: string;
  countryCode: 'PL' | 'CZ' | 'DE';
  email: string;
  phone: string;
  login: string;
}

function person(p: Omit<Person, 'company' | 'nip'> & Partial<Pick<Person, 'company' | 'nip'>>): Person {
  return { company: '', nip: '', ...p };
}

export const PEOPLE = {
  lukasz: person({ fullname: 'Łukasz Wójcik', address: 'ul. Świętego Filipa 17/3', postcode: '31-150', city: 'Kraków', country: 'Polska', countryCode: 'PL', email: 'lukasz.wojcik@example.pl', phone: '+48 601 234 567', login: 'lukasz_w' }),
  agnieszka: person({ fullname: 'Agnieszka Żółkiewska', address: 'ul. Długa 45', postcode: '80-827', city: 'Gdańsk', country: 'Polska', countryCode: 'PL', email: 'a.zolkiewska@example.pl', phone: '+48 502 111 222', login: 'aga_zolk' }),
  grzegorz: person({ fullname: 'Grzegorz Brzęczyszczykiewicz', address: 'ul. Piotrkowska 104', postcode: '90-926', city: 'Łódź', country: 'Polska', countryCode: 'PL', email: 'grzegorz.b@example.pl', phone: '+48 603 333 444', login: 'chrzaszcz' }),
  zofia: person({ fullname: 'Zofia Ślusarczyk', address: 'Rynek 11', postcode: '50-101', city: 'Wrocław', country: 'Polska', countryCode: 'PL', email: 'zofia.slusarczyk@example.pl', phone: '+48 604 555 666', login: 'zosia_s' }),
  pawel: person({ fullname: 'Paweł Kołodziej', company: 'Kołodziej Usługi Stolarskie', nip: '7352812344', address: 'ul. Krupówki 12', postcode: '34-500', city: 'Zakopane', country: 'Polska', countryCode: 'PL', email: 'biuro@kolodziej.example.pl', phone: '+48 605 777 888', login: 'stolarz_zakopane' }),
  marta: person({ fullname: 'Marta Kowalczyk-Żak', address: 'al. Jerozolimskie 65/79 m. 12', postcode: '00-697', city: 'Warszawa', country: 'Polska', countryCode: 'PL', email: 'marta.kz@example.pl', phone: '+48 606 999 000', login: 'marta_kz' }),
  tomasz: person({ fullname: 'Tomasz Żurawski', company: 'Żurawski Tomasz FHU', nip: '5250001233', address: 'ul. Mickiewicza 3', postcode: '20-612', city: 'Lublin', country: 'Polska', countryCode: 'PL', email: 'tomasz@zurawski.example.pl', phone: '+48 607 121 314', login: 'zuraw' }),
  zazolc: person({ fullname: 'Jadwiga Gęślą', company: 'Zażółć Gęślą Sp. z o.o.', nip: '7831234566', address: 'ul. Półwiejska 32', postcode: '61-888', city: 'Poznań', country: 'Polska', countryCode: 'PL', email: 'faktury@zazolc.example.pl', phone: '+48 61 852 00 00', login: 'zazolc_gesla' }),
  pracownia: person({ fullname: 'Bożena Ślęzak', company: 'Pracownia Ślężańska s.c.', nip: '8971002000', address: 'ul. Świdnicka 8', postcode: '50-066', city: 'Wrocław', country: 'Polska', countryCode: 'PL', email: 'zamowienia@slezanska.example.pl', phone: '+48 71 344 55 66', login: 'pracownia_sl' }),
  jiri: person({ fullname: 'Jiří Dvořák', address: 'Údolní 53', postcode: '602 00', city: 'Brno', country: 'Czechy', countryCode: 'CZ', email: 'jiri.dvorak@example.cz', phone: '+420 603 123 456', login: 'jdvorak' }),
  katerina: person({ fullname: 'Kateřina Nováková', address: 'Vinohradská 28', postcode: '120 00', city: 'Praha', country: 'Czechy', countryCode: 'CZ', email: 'katerina.novakova@example.cz', phone: '+420 777 234 567', login: 'katka_n' }),
  kun: person({ fullname: 'Ondřej Šťastný', company: 'Žluťoučký kůň s.r.o.', nip: 'CZ27082440', address: 'Cejl 12', postcode: '602 00', city: 'Brno', country: 'Czechy', countryCode: 'CZ', email: 'objednavky@zlutoucky-kun.example.cz', phone: '+420 545 111 222', login: 'zlutoucky_kun' }),
  jurgen: person({ fullname: 'Jürgen Müller', address: 'Schönhauser Allee 36', postcode: '10435', city: 'Berlin', country: 'Niemcy', countryCode: 'DE', email: 'juergen.mueller@example.de', phone: '+49 30 1234567', login: 'jmueller' }),
  sabine: person({ fullname: 'Sabine Weiß', address: 'Große Bergstraße 160', postcode: '22767', city: 'Hamburg', country: 'Niemcy', countryCode: 'DE', email: 'sabine.weiss@example.de', phone: '+49 40 7654321', login: 'sabine_w' }),
} satisfies Record<string, Person>;

/** Buyers for the generated background orders, weighted towards Poland as a Polish shop's are. */
export const EVERYDAY_BUYERS: Person[] = [
  PEOPLE.lukasz, PEOPLE.agnieszka, PEOPLE.grzegorz, PEOPLE.zofia, PEOPLE.marta, PEOPLE.lukasz, PEOPLE.agnieszka,
  PEOPLE.zofia, PEOPLE.marta, PEOPLE.grzegorz, PEOPLE.jiri, PEOPLE.katerina, PEOPLE.jurgen, PEOPLE.sabine,
];

export interface Product {
  productId: string;
  name: string;
  sku: string;
  ean: string;
  taxRate: number;
  weight: number;
  price: Record<Currency, number>;
}

export const PRODUCTS = {
  bracelet: { productId: '110201', name: 'Bransoletka z bursztynem bałtyckim', sku: 'BUR-BRA-01', ean: '5901234123457', taxRate: 23, weight: 0.05, price: { PLN: 129, EUR: 29.99, CZK: 749 } },
  mug: { productId: '110202', name: 'Kubek ceramiczny Bolesławiec – pawie oczko', sku: 'CER-KUB-07', ean: '5901234123464', taxRate: 23, weight: 0.4, price: { PLN: 59.9, EUR: 13.99, CZK: 349 } },
  tablecloth: { productId: '110203', name: 'Obrus lniany 140×220 cm, szary', sku: 'LEN-OBR-22', ean: '5901234123471', taxRate: 23, weight: 0.7, price: { PLN: 189, EUR: 44.5, CZK: 1090 } },
  tea: { productId: '110204', name: 'Herbata ziołowa „Łąka” 100 g', sku: 'HER-LAK-100', ean: '5901234123488', taxRate: 8, weight: 0.12, price: { PLN: 24.5, EUR: 5.99, CZK: 145 } },
  honey: { productId: '110205', name: 'Miód gryczany 400 g', sku: 'MIO-GRY-400', ean: '5901234123495', taxRate: 5, weight: 0.5, price: { PLN: 34, EUR: 7.99, CZK: 199 } },
  candle: { productId: '110206', name: 'Świeca sojowa – żurawina', sku: 'SWI-ZUR-01', ean: '5901234123501', taxRate: 23, weight: 0.3, price: { PLN: 39, EUR: 8.99, CZK: 229 } },
  gingerbread: { productId: '110207', name: 'Pierniki toruńskie w puszce', sku: 'PIE-TOR-250', ean: '5901234123518', taxRate: 8, weight: 0.35, price: { PLN: 44, EUR: 9.99, CZK: 259 } },
  horse: { productId: '110208', name: 'Figurka „Žluťoučký kůň” z drewna', sku: 'FIG-KUN-01', ean: '5901234123525', taxRate: 23, weight: 0.2, price: { PLN: 79, EUR: 18.5, CZK: 459 } },
  knife: { productId: '110209', name: 'Nóż kuchenny ze stali damasceńskiej, 20 cm', sku: 'NOZ-DAM-20', ean: '5901234123532', taxRate: 23, weight: 0.25, price: { PLN: 349, EUR: 79.99, CZK: 1990 } },
  cookbook: { productId: '110210', name: 'Książka „Kuchnia polska. Smaki babci”', sku: 'KSI-KUCH-01', ean: '9788301234567', taxRate: 5, weight: 0.9, price: { PLN: 69.9, EUR: 15.99, CZK: 399 } },
  /** Shipping insurance: an exempt (zw., tax -1) service, the case that needs special rendering. */
  insurance: { productId: '110299', name: 'Ubezpieczenie przesyłki', sku: 'USL-UBEZP', ean: '', taxRate: -1, weight: 0, price: { PLN: 9, EUR: 2, CZK: 50 } },
} satisfies Record<string, Product>;

export const EVERYDAY_PRODUCTS: Product[] = [
  PRODUCTS.bracelet, PRODUCTS.mug, PRODUCTS.tablecloth, PRODUCTS.tea, PRODUCTS.honey, PRODUCTS.candle,
  PRODUCTS.gingerbread, PRODUCTS.horse, PRODUCTS.knife, PRODUCTS.cookbook,
];

export interface Delivery {
  method: string;
  module: string;
  price: number;
  point?: { id: string; name: string; address: string; postcode: string; city: string };
}

/** The usual carrier per buyer country and currency. */
export function deliveryFor(countryCode: Person['countryCode'], variant: number): Delivery {
  if (countryCode === 'DE') return { method: 'DHL Paket', module: 'dhl', price: 9.9 };
  if (countryCode === 'CZ') {
    return {
      method: 'Zásilkovna – výdejní místo', module: 'packeta', price: 89,
      point: { id: 'Z-1187', name: 'Zásilkovna Brno, Cejl', address: 'Cejl 48', postcode: '602 00', city: 'Brno' },
    };
  }
  if (variant % 3 === 0) return { method: 'Kurier DPD', module: 'dpd', price: 16.99 };
  return {
    method: 'InPost Paczkomat 24/7', module: 'inpost', price: 13.99,
    point: { id: 'KRA01M', name: 'Paczkomat KRA01M', address: 'ul. Łobzowska 15', postcode: '31-139', city: 'Kraków' },
  };
}

export function currencyFor(countryCode: Person['countryCode']): Currency {
  return countryCode === 'DE' ? 'EUR' : countryCode === 'CZ' ? 'CZK' : 'PLN';
}
