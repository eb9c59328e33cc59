// Every word printed on a document, per language. Kept together so a translator (or an accountant) can
// review one file.
import type { Language } from './format.js';

export interface Labels {
  invoiceTitle: string;
  correctingTitle: string;
  receiptTitle: string;
  /** Printed under a receipt's title: this rendering is not the fiscal printout. */
  receiptNonFiscal: string;
  number: string;
  /** Between the title and the number: "Faktura VAT nr …". */
  numberPrefix: string;
  correctsInvoice: string;
  correctsInvoiceId(id: number): string;
  /** Between the corrected invoice's number and its issue date: "… nr FV/1/2026 z dnia 2026-11-02". */
  ofDate: string;
  correctedKsefNumber: string;
  correctionReason: string;
  ksefNumber: string;
  /** The unit of measure when the record gives none: what BaseLinker's own invoices print. */
  defaultUnit: string;
  exemptionBasis: string;
  issueDate: string;
  saleDate: string;
  dueDate: string;
  paymentMethod: string;
  orderId: string;
  date: string;
  seller: string;
  buyer: string;
  vatId: string;
  buyerVatId: string;
  sellerVatId: string;
  columns: {
    no: string;
    name: string;
    sku: string;
    quantity: string;
    unit: string;
    unitNet: string;
    unitGross: string;
    vatRate: string;
    net: string;
    vat: string;
    gross: string;
  };
  vatSummary: string;
  vatInPln: string;
  total: string;
  totalDue: string;
  correctionTotal: string;
  receiptTotal: string;
  exchangeRate: string;
  exchangeDate: string;
  issuer: string;
  notes: string;
  page(n: number, of: number): string;
}

const pl: Labels = {
  invoiceTitle: 'Faktura VAT',
  correctingTitle: 'Faktura korygująca',
  receiptTitle: 'Paragon',
  receiptNonFiscal: 'Dokument niefiskalny – zestawienie danych paragonu',
  number: 'Numer',
  numberPrefix: 'nr',
  correctsInvoice: 'Korekta faktury nr',
  correctsInvoiceId: (id) => `Korekta faktury o ID ${id} w BaseLinker`,
  ofDate: 'z dnia',
  correctedKsefNumber: 'Numer KSeF faktury korygowanej',
  correctionReason: 'Przyczyna korekty',
  ksefNumber: 'Numer KSeF',
  defaultUnit: 'szt.',
  exemptionBasis: 'Podstawa zwolnienia z VAT',
  issueDate: 'Data wystawienia',
  saleDate: 'Data sprzedaży',
  dueDate: 'Termin płatności',
  paymentMethod: 'Sposób płatności',
  orderId: 'Zamówienie',
  date: 'Data',
  seller: 'Sprzedawca',
  buyer: 'Nabywca',
  vatId: 'NIP',
  buyerVatId: 'NIP nabywcy',
  sellerVatId: 'NIP sprzedawcy',
  columns: {
    no: 'Lp.',
    name: 'Nazwa',
    sku: 'SKU',
    quantity: 'Ilość',
    unit: 'J.m.',
    unitNet: 'Cena netto',
    unitGross: 'Cena brutto',
    vatRate: 'Stawka VAT',
    net: 'Wartość netto',
    vat: 'Kwota VAT',
    gross: 'Wartość brutto',
  },
  vatSummary: 'Podsumowanie VAT',
  vatInPln: 'VAT w PLN',
  total: 'Razem',
  totalDue: 'Razem do zapłaty',
  correctionTotal: 'Wartość korekty',
  receiptTotal: 'Suma',
  exchangeRate: 'Kurs waluty',
  exchangeDate: 'z dnia',
  issuer: 'Wystawił(a)',
  notes: 'Uwagi',
  page: (n, of) => `strona ${n} z ${of}`,
};

const en: Labels = {
  invoiceTitle: 'Invoice',
  correctingTitle: 'Correcting invoice',
  receiptTitle: 'Receipt',
  receiptNonFiscal: 'Non-fiscal document – summary of the receipt data',
  number: 'Number',
  numberPrefix: 'No.',
  correctsInvoice: 'Corrects invoice no.',
  correctsInvoiceId: (id) => `Corrects the invoice with BaseLinker ID ${id}`,
  ofDate: 'of',
  correctedKsefNumber: 'KSeF number of the corrected invoice',
  correctionReason: 'Reason for correction',
  ksefNumber: 'KSeF number',
  defaultUnit: 'pcs',
  exemptionBasis: 'Basis of VAT exemption',
  issueDate: 'Issue date',
  saleDate: 'Sale date',
  dueDate: 'Due date',
  paymentMethod: 'Payment method',
  orderId: 'Order',
  date: 'Date',
  seller: 'Seller',
  buyer: 'Buyer',
  vatId: 'VAT ID',
  buyerVatId: 'Buyer VAT ID',
  sellerVatId: 'Seller VAT ID',
  columns: {
    no: 'No.',
    name: 'Name',
    sku: 'SKU',
    quantity: 'Qty',
    unit: 'Unit',
    unitNet: 'Unit net price',
    unitGross: 'Unit gross price',
    vatRate: 'VAT rate',
    net: 'Net amount',
    vat: 'VAT amount',
    gross: 'Gross amount',
  },
  vatSummary: 'VAT summary',
  vatInPln: 'VAT in PLN',
  total: 'Total',
  totalDue: 'Total due',
  correctionTotal: 'Correction total',
  receiptTotal: 'Total',
  exchangeRate: 'Exchange rate',
  exchangeDate: 'of',
  issuer: 'Issued by',
  notes: 'Notes',
  page: (n, of) => `page ${n} of ${of}`,
};

export function labelsFor(language: Language): Labels {
  return language === 'pl' ? pl : en;
}
