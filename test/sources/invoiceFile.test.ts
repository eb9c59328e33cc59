// getInvoiceFile's answer in the forms it comes in, judged by its bytes.
import { describe, expect, it } from 'vitest';
import { decodeInvoiceFile, sniffFile } from '../../src/sources/baselinker/invoiceFile.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('decoding the invoice field', () => {
  it.each([
    ['"data:" and base64, as documented', `data:${b64(PDF)}`],
    ['a full data URI', `data:application/pdf;base64,${b64(PDF)}`],
    ['a data URI with parameters', `data:application/pdf;name=FV_1.pdf;base64,${b64(PDF)}`],
    ['bare base64', b64(PDF)],
    ['base64 broken over lines', b64(PDF).replace(/(.{16})/g, '$1\r\n')],
  ])('%s gives the same bytes', (_form, field) => {
    expect(Buffer.from(decodeInvoiceFile(field)).equals(PDF)).toBe(true);
  });

  it('reads a data URI without base64 as percent-escaped bytes', () => {
    expect(Buffer.from(decodeInvoiceFile('data:application/xml,%3Ca%3E%C5%BC%3C/a%3E')).toString('utf8')).toBe('<a>ż</a>');
  });
});

describe('what the bytes are', () => {
  it('a whole PDF, and only a whole one', () => {
    expect(sniffFile(PDF)).toBe('pdf');
    expect(sniffFile(PDF.subarray(0, 20))).toBe('unknown'); // cut short: no %%EOF
  });

  it("the documentation's own sample is (part of) a JPEG, not a PDF", () => {
    // "4AAQSkZJRgABA" is base64 of a JPEG's JFIF header without its first three bytes; a whole JPEG starts "/9j/".
    expect(sniffFile(decodeInvoiceFile('data:4AAQSkZJRgABAQAAAQABAAD'))).toBe('unknown');
    expect(sniffFile(decodeInvoiceFile('data:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA=='))).toBe('jpeg');
  });

  it('XML (an external e-invoice), a PNG, an HTML error page, nothing', () => {
    expect(sniffFile(Buffer.from('\ufeff<?xml version="1.0"?><Faktura/>'))).toBe('xml');
    expect(sniffFile(Buffer.from('  <Invoice xmlns="urn:oasis:names:specification:ubl"/>'))).toBe('xml');
    expect(sniffFile(Buffer.from('\x89PNG\r\n\x1a\n....', 'latin1'))).toBe('png');
    expect(sniffFile(Buffer.from('<!DOCTYPE html><html><body>502</body></html>'))).toBe('unknown');
    expect(sniffFile(new Uint8Array())).toBe('unknown');
  });
});
