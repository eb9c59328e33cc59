import { PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { exemptionBasis } from '../../src/render/exemptionBasis.js';
import { parseInvoice } from '../../src/sources/baselinker/parse.js';
import { correctingInvoice, DIACRITICS, eurInvoice, longInvoice, netPricedInvoice, plnInvoice } from '../fixtures/documents.js';
import { REAL_INVOICE_RECORDS } from '../fixtures/realInvoices.js';
import { pdfPages, pdfToText, pdfWords, skipImageTests, textRightOf } from './poppler.js';
import { CORRECTED, flat, SAMPLES } from './samples.js';

const warsaw = { language: 'pl', timeZone: 'Europe/Warsaw' } as const;

describe.skipIf(skipImageTests)('invoice text (pdftotext)', () => {
  it('a PLN invoice carries number, dates, parties, lines, VAT summary and total', async () => {
    const pdf = await SAMPLES['invoice-pln']();
    const words = pdfWords(pdf);
    expect(textRightOf(words, 'Data wystawienia:')).toBe('2026-11-10'); // 23:30 UTC on 9 Nov is 10 Nov in Warsaw
    expect(textRightOf(words, 'Data sprzedaży:')).toBe('2026-11-08');
    expect(textRightOf(words, 'Termin płatności:')).toBe('2026-11-24');
    expect(textRightOf(words, 'Sposób płatności:')).toBe('Przelew bankowy');
    expect(textRightOf(words, 'Zamówienie:')).toBe('5550123');
    const text = flat(pdfToText(pdf));
    for (const expected of [
      'Faktura VAT nr',
      'FV/12/11/2026',
      'Sprzedawca',
      'Sklep Łódzki „Pod Różą” Sp. z o.o.',
      'NIP: 7251234567',
      'Nabywca',
      'Przedsiębiorstwo Handlowe „Źródło” Małgorzata Ślęzak',
      'ul. Żółkiewskiego 12/4',
      '31-539 Kraków',
      'NIP: 6762345678',
      'Lp.',
      'Kawa ziarnista Łąkowa 1 kg',
      'CZ-17-INOX',
      '1 503,25', // net of the espresso machine
      '345,75',
      '1 849,00',
      'Podsumowanie VAT',
      '1 760,95', // 23% net
      '405,02', // 23% VAT
      '2 165,97', // 23% gross
      'zw – zwolnione z VAT',
      'Razem do zapłaty: 2 512,87 PLN',
      'Uwagi:',
      'Dziękujemy za zakupy!',
      'Wystawił(a): Anna Wiśniewska',
      'strona 1 z 1',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('\uFFFD');
  });

  it('prints the KSeF number, the unit of measure, and the legal basis of an exemption', async () => {
    const text = flat(pdfToText(await SAMPLES['invoice-pln']()));
    expect(text).toContain(`Numer KSeF: ${plnInvoice.government!.id}`);
    expect(text).toContain('J.m.');
    // No unit in BaseLinker's record: what BaseLinker's own invoices print.
    expect(text.match(/ szt\. /g)).toHaveLength(plnInvoice.items.length);
    expect(text).toContain('zw – zwolnione z VAT Podstawa zwolnienia z VAT: art. 43 ust. 1 pkt 37 ustawy o VAT');
    const withoutKsef = flat(pdfToText(await renderInvoicePdf({ ...plnInvoice, government: { id: '', date: null, status: 1 } }, warsaw)));
    expect(withoutKsef).not.toContain('Numer KSeF');
  });

  it("takes the exemption's basis from the additional info, else from the setting, else prints none", async () => {
    const cited = { ...plnInvoice, additionalInfo: 'Dziękujemy!\nUsługa zwolniona z VAT na podstawie art. 43 ust. 1 pkt 37 ustawy o VAT.' };
    expect(exemptionBasis(cited, 'art. 113 ust. 1')).toBe('Usługa zwolniona z VAT na podstawie art. 43 ust. 1 pkt 37 ustawy o VAT.');
    expect(exemptionBasis(plnInvoice, 'art. 113 ust. 1 ustawy o VAT')).toBe('art. 113 ust. 1 ustawy o VAT');
    expect(exemptionBasis(plnInvoice, undefined)).toBeNull();
    // A provision cited for something else (the reverse charge of services) is no basis of exemption.
    expect(exemptionBasis({ ...plnInvoice, additionalInfo: 'Odwrotne obciążenie – art. 28b ustawy o VAT.' }, undefined)).toBeNull();
    const text = flat(pdfToText(await renderInvoicePdf(plnInvoice, warsaw)));
    expect(text).toContain('zw – zwolnione z VAT');
    expect(text).not.toContain('Podstawa zwolnienia');
  });

  it("prints the configured NIP as the seller's when BaseLinker's seller text has none, as on real records", async () => {
    const real = parseInvoice(REAL_INVOICE_RECORDS[0]);
    const without = flat(pdfToText(await renderInvoicePdf(real, warsaw)));
    expect(without).not.toContain('NIP');
    const text = flat(pdfToText(await renderInvoicePdf(real, { ...warsaw, sellerNip: '6762461234' })));
    expect(text).toContain('Rafal Test 1 01-376, Test NIP: 676-246-12-34');
    // A seller text that has its NIP is left as it is.
    expect(flat(pdfToText(await renderInvoicePdf(plnInvoice, { ...warsaw, sellerNip: '6762461234' })))).not.toContain('676-246-12-34');
  });

  it('shows unit net prices and the record\'s unit on an invoice priced net', async () => {
    const text = flat(pdfToText(await renderInvoicePdf(netPricedInvoice, warsaw)));
    // pdftotext reads the two-line header "Cena netto" / "Stawka VAT" column by column.
    expect(text).toContain('Cena Stawka netto VAT');
    expect(text).toContain('kg 43,99 23% 1 319,96 303,59 1 623,55');
  });

  it('prints dates in the requested time zone', async () => {
    const words = pdfWords(await renderInvoicePdf(plnInvoice, { language: 'pl', timeZone: 'UTC' }));
    expect(textRightOf(words, 'Data wystawienia:')).toBe('2026-11-09');
  });

  it('a correcting invoice names the invoice it corrects and why', async () => {
    const text = flat(pdfToText(await SAMPLES['invoice-correcting']()));
    for (const expected of [
      'Faktura korygująca nr',
      'KOR/3/11/2026',
      'Korekta faktury nr FV/12/11/2026 z dnia 2026-11-10', // its number and issue date: art. 106j ust. 2
      `Numer KSeF faktury korygowanej: ${CORRECTED.ksefNumber}`,
      'Przyczyna korekty: Zwrot części towaru',
      'reklamacja nr 17/2026',
      '-121,94',
      '-28,05',
      'Wartość korekty: -149,99 PLN',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('Termin płatności'); // no due date on this one
  });

  it('falls back to the BaseLinker id of the corrected invoice when its number is unknown', async () => {
    const text = flat(pdfToText(await renderInvoicePdf(correctingInvoice, warsaw)));
    expect(text).toContain('Korekta faktury o ID 9001 w BaseLinker');
  });

  it('a EUR invoice in English shows the exchange rate and the VAT in PLN', async () => {
    const pdf = await SAMPLES['invoice-eur-en']();
    expect(textRightOf(pdfWords(pdf), 'Payment method:')).toBe('Überweisung / bank transfer');
    const text = flat(pdfToText(pdf));
    for (const expected of [
      'Invoice No. FV/EU/4/11/2026',
      'Seller',
      'Buyer',
      'Müller & Söhne GmbH',
      'Jürgen Weiß',
      'Königstraße 15',
      '70173 Stuttgart',
      'VAT ID: DE811234567',
      'ěščřžýáíéůú',
      '1,000.00',
      'np – not subject to VAT',
      'VAT in PLN',
      '1,633.80', // 380.36 EUR × 4.2954
      'Total due: 2,284.10 EUR',
      'VAT in PLN: 1,633.80 PLN',
      'Exchange rate: 1 EUR = 4.2954 PLN of 2026-11-09 (Tabela nr 218/A/NBP/2026)',
      'Notes:',
      'art. 28b ustawy o VAT',
      'page 1 of 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('a 120-line invoice flows over three pages with the header and page numbers on each', async () => {
    const pages = pdfPages(await SAMPLES['invoice-120-items']());
    expect(pages).toHaveLength(3);
    pages.forEach((page, i) => {
      const text = flat(page);
      expect(text).toContain(`strona ${i + 1} z 3`);
      expect(text).toContain('Lp.');
      expect(text).toContain('Wartość brutto');
    });
    const all = flat(pages.join(' '));
    for (let n = 1; n <= 120; n++) expect(all).toContain(`SKU-${String(n).padStart(4, '0')}`);
    expect(flat(pages[2]!)).toContain('Razem do zapłaty: 24 957,60 PLN');
  });

  it('long names wrap inside their cell and never run into the next column', async () => {
    const words = pdfWords(await SAMPLES['invoice-120-items']());
    const skuColumnLeft = Math.min(...words.filter((w) => /^SKU-\d{4}$/.test(w.text)).map((w) => w.xMin));
    const nameWords = words.filter((w) => /ŚWIECA|Świeca|pokrywką|BEZPARAFINOWA|ALERGIKÓW|kokardą/.test(w.text));
    expect(nameWords.length).toBeGreaterThan(3);
    for (const w of nameWords) expect(w.xMax).toBeLessThan(skuColumnLeft);
    // And nothing anywhere leaves the page margins.
    for (const w of words) {
      expect(w.xMin).toBeGreaterThanOrEqual(35.9);
      expect(w.xMax).toBeLessThanOrEqual(595.28 - 35.9);
    }
  });

  it('extracts Polish, Czech and German diacritics as text', async () => {
    const invoice = { ...plnInvoice, buyer: { ...plnInvoice.buyer, company: DIACRITICS } };
    expect(flat(pdfToText(await renderInvoicePdf(invoice, warsaw)))).toContain(DIACRITICS);
  });
});

describe('invoice file', () => {
  it('is byte-identical when rendered twice', async () => {
    const a = await SAMPLES['invoice-eur-en']();
    const b = await SAMPLES['invoice-eur-en']();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('does not depend on what the process rendered before', async () => {
    const first = await renderInvoicePdf(plnInvoice, warsaw);
    await renderInvoicePdf(eurInvoice, { language: 'en', timeZone: 'UTC' });
    await renderInvoicePdf(longInvoice, warsaw);
    const again = await renderInvoicePdf(plnInvoice, warsaw);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
  });

  it('has fixed dates, a content-derived /ID and filled metadata', async () => {
    const bytes = await SAMPLES['invoice-pln']();
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.getTitle()).toBe('Faktura VAT nr FV/12/11/2026');
    expect(doc.getSubject()).toContain('FV/12/11/2026');
    expect(doc.getProducer()).toMatch(/baselinker-backup/);
    expect(doc.getAuthor()).toBe('Sklep Łódzki „Pod Różą” Sp. z o.o.');
    expect(doc.getCreationDate()?.getTime()).toBe(plnInvoice.issuedAt * 1000);
    expect(doc.getModificationDate()?.getTime()).toBe(plnInvoice.issuedAt * 1000);
    const id = doc.context.trailerInfo.ID?.toString();
    expect(id).toMatch(/^\[ <[0-9A-F]{32}> <[0-9A-F]{32}> \]$/);

    const other = await PDFDocument.load(await renderInvoicePdf({ ...plnInvoice, number: 'FV/99/11/2026' }, warsaw));
    expect(other.context.trailerInfo.ID?.toString()).not.toBe(id);
  });

  it('embeds both fonts as subsets, with no pdf-lib random names', async () => {
    const bytes = await SAMPLES['invoice-pln']();
    const doc = await PDFDocument.load(bytes);
    const fonts = doc.getPages()[0]!.node.Resources()!.lookup(PDFName.of('Font'));
    const names = fonts!
      .toString()
      .match(/\/F\d+/g)!
      .sort();
    expect(names).toEqual(['/F1', '/F2']);
    const latin1 = Buffer.from(bytes).toString('latin1');
    // Compressed object streams hide the dictionaries from a plain search; pdf-lib's parsed objects do not.
    const baseFonts = [...doc.context.enumerateIndirectObjects()]
      .map(([, obj]) => obj.toString())
      .filter((s) => s.includes('/Type /Font') && s.includes('/Type0'))
      .map((s) => /\/BaseFont \/(\S+)/.exec(s)![1]!);
    // A subset's tag comes from its glyphs, so only the part after it has a fixed order.
    for (const name of baseFonts) expect(name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
    expect(baseFonts.map((name) => name.slice(7)).sort()).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
    expect(bytes.length).toBeLessThan(60_000); // subset, not the 750 KB font files
    expect(latin1.startsWith('%PDF-')).toBe(true);
  });
});
