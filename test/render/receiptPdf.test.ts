import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderReceiptPdf } from '../../src/render/receiptPdf.js';
import { receipt } from '../fixtures/documents.js';
import { pdfToText, pdfWords, skipImageTests, textRightOf } from './poppler.js';
import { flat, SAMPLES } from './samples.js';

describe.skipIf(skipImageTests)('receipt text (pdftotext)', () => {
  it('carries number, date, order, payment, buyer NIP, items and total', async () => {
    const pdf = await SAMPLES['receipt-pl']();
    const words = pdfWords(pdf);
    expect(textRightOf(words, 'Data:')).toBe('2026-11-12 16:42'); // 15:42 UTC in Warsaw
    expect(textRightOf(words, 'Zamówienie:')).toBe('5550400');
    expect(textRightOf(words, 'Sposób płatności:')).toBe('Karta płatnicza');
    expect(textRightOf(words, 'NIP nabywcy:')).toBe('5213456789');
    const text = flat(pdfToText(pdf));
    for (const expected of [
      'Paragon nr 123/11/2026/P',
      'Dokument niefiskalny',
      'Woda mineralna Żywiec Zdrój 1,5 l',
      'Żelki owocowe „Źdźbło” 200 g',
      'Kubek termiczny ŁOŚ 450 ml',
      '14,94', // 6 × 2,49
      '5%',
      '23%',
      'Suma: 94,84 PLN',
      'strona 1 z 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('sums VAT per rate from the gross sums, and names the seller by the configured NIP', async () => {
    const layout = pdfToText(await renderReceiptPdf(receipt, { language: 'pl', timeZone: 'Europe/Warsaw', sellerNip: '6762461234' }), true);
    const rows = layout.split('\n').map((line) => line.trim().split(/\s{2,}/));
    // 64,10 at 23%: VAT 11,99 (11,9862); 30,74 at 5%: VAT 1,46 (1,4638)
    expect(rows).toContainEqual(['23%', '52,11', '11,99', '64,10']);
    expect(rows).toContainEqual(['5%', '29,28', '1,46', '30,74']);
    expect(rows).toContainEqual(['Razem', '81,39', '13,45', '94,84']);
    expect(textRightOf(pdfWords(await renderReceiptPdf(receipt, { language: 'pl', timeZone: 'UTC', sellerNip: '6762461234' })), 'NIP sprzedawcy:')).toBe(
      '676-246-12-34',
    );
  });

  it('leaves out the buyer NIP when there is none, and works in English', async () => {
    const text = flat(pdfToText(await renderReceiptPdf({ ...receipt, vatId: '' }, { language: 'en', timeZone: 'UTC' })));
    expect(text).toContain('Receipt No. 123/11/2026/P');
    expect(text).toContain('Total: 94.84 PLN');
    expect(text).toContain('2026-11-12 15:42');
    expect(text).not.toContain('Buyer VAT ID');
  });
});

describe('receipt file', () => {
  it('is byte-identical when rendered twice, with fixed metadata', async () => {
    const a = await SAMPLES['receipt-pl']();
    const b = await SAMPLES['receipt-pl']();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const doc = await PDFDocument.load(a, { updateMetadata: false });
    expect(doc.getTitle()).toBe('Paragon nr 123/11/2026/P');
    expect(doc.getCreationDate()?.getTime()).toBe(receipt.issuedAt * 1000);
    expect(doc.getProducer()).toMatch(/baselinker-backup/);
  });
});
