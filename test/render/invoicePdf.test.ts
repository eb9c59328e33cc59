import { PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/render/invoicePdf.js';
import { correctingInvoice, DIACRITICS, eurInvoice, longInvoice, plnInvoice } from '../fixtures/documents.js';
import { pdfPages, pdfToText, pdfWords, skipImageTests, textRightOf } from './poppler.js';
import { flat, SAMPLES } from './samples.js';

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

  it('prints dates in the requested time zone', async () => {
    const words = pdfWords(await renderInvoicePdf(plnInvoice, { language: 'pl', timeZone: 'UTC' }));
    expect(textRightOf(words, 'Data wystawienia:')).toBe('2026-11-09');
  });

  it('a correcting invoice names the invoice it corrects and why', async () => {
    const text = flat(pdfToText(await SAMPLES['invoice-correcting']()));
    for (const expected of [
      'Faktura korygująca nr',
      'KOR/3/11/2026',
      'Korekta faktury nr FV/12/11/2026',
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
    expect(baseFonts.sort()).toEqual([
      expect.stringMatching(/^[A-Z]{6}\+DejaVuSans$/),
      expect.stringMatching(/^[A-Z]{6}\+DejaVuSans-Bold$/),
    ]);
    expect(bytes.length).toBeLessThan(60_000); // subset, not the 750 KB font files
    expect(latin1.startsWith('%PDF-')).toBe(true);
  });
});
