// The invoice the benchmarks render: a realistic size (10 lines, three VAT rates, shipping), Polish text with
// diacritics, so the subset font carries what a real invoice needs. `serial` varies the number and the id, as
// a run's documents vary.
import type { Invoice, InvoiceItem } from '../../src/domain/documents.js';
// The tests' own sample parties: the benchmark renders what the tests check.
import { polishBuyer, SELLER } from '../../test/fixtures/documents.js';

const ISSUED_AT = Date.UTC(2026, 10, 12, 9, 30) / 1000;

const LINES: Array<[name: string, sku: string, gross: number, rate: number, quantity: number]> = [
  ['Ekspres ciśnieniowy Żarnowiec Pro 15 bar', 'EKS-ZAR-PRO', 1849.0, 23, 1],
  ['Młynek do kawy żarnowy, stal nierdzewna', 'MLY-ZAR-01', 329.0, 23, 1],
  ['Kawa ziarnista Łąkowa 1 kg', 'KAWA-LAK-1000', 89.0, 8, 3],
  ['Herbata zielona „Źródło” 100 g', 'HERB-ZR-100', 24.5, 8, 2],
  ['Filiżanka porcelanowa Ćmielów 200 ml', 'FIL-CM-200', 79.99, 23, 4],
  ['Czajnik elektryczny „Gęś” 1,7 l', 'CZ-17-INOX', 149.99, 23, 1],
  ['Książka: Pan Tadeusz – wydanie ilustrowane', '978-83-0000-000-1', 59.9, 5, 1],
  ['Ręcznik bawełniany żółty 70×140', 'RECZ-70-140', 39.0, 23, 2],
  ['Zestaw łyżeczek deserowych (6 szt.)', 'LYZ-DES-6', 54.0, 23, 1],
  ['Wysyłka kurierem DPD', '', 16.99, 23, 1],
];

export function sampleInvoice(serial: number): Invoice {
  const items: InvoiceItem[] = LINES.map(([name, sku, priceGross, taxRate, quantity], i) => ({
    name,
    sku,
    ean: '',
    priceGross,
    priceNet: priceGross / (1 + taxRate / 100),
    taxRate,
    quantity,
    unit: '',
    isShipment: i === LINES.length - 1,
  }));
  const totalGross = items.reduce((sum, it) => sum + Math.round(it.priceGross * it.quantity * 100), 0) / 100;
  // As BaseLinker keeps it: the sum of unrounded unit nets.
  const totalNet = items.reduce((sum, it) => sum + it.priceNet * it.quantity, 0);
  return {
    kind: 'invoice',
    id: 100_000 + serial,
    orderId: 7_000_000 + serial,
    seriesId: 12,
    type: 'normal',
    number: `FV/${serial + 1}/11/2026`,
    issuedAt: ISSUED_AT,
    soldAt: ISSUED_AT,
    payTo: ISSUED_AT + 14 * 86_400,
    currency: 'PLN',
    totalGross,
    totalNet,
    paymentMethod: 'Przelew bankowy',
    additionalInfo: 'Dziękujemy za zakupy! Zwroty przyjmujemy w ciągu 14 dni od doręczenia przesyłki.',
    buyer: polishBuyer,
    seller: SELLER,
    issuer: 'Anna Wiśniewska',
    correcting: null,
    exchange: null,
    externalNumber: '',
    government: null,
    items,
  };
}
