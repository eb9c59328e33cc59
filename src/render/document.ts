// The PDF container around a rendered document: fonts, metadata, and byte-for-byte reproducibility.
//
// The same input must give the same bytes (the backup compares files, and a re-rendered invoice must not look
// like a changed one). pdf-lib's defaults break that: it stamps CreationDate/ModDate with the current time and
// adds random suffixes to font names. So metadata updates are off, both dates are the document's own issue
// time, fonts are named after their glyphs (embeddedFont.ts), all streams go through the same pure-JavaScript
// deflate, and the trailer /ID is a hash of the input instead of being absent.
import { createHash } from 'node:crypto';
import { PDFDocument, PDFHexString } from 'pdf-lib';
import type { FontProvider } from './fonts.js';
import { Flow } from './flow.js';
import type { Language } from './format.js';

export interface DocumentInfo {
  title: string;
  subject: string;
  author: string;
  language: Language;
  /** Unix seconds: used as both creation and modification date. */
  createdAt: number;
  /** Everything the output depends on; hashed into the trailer /ID. */
  fingerprint: unknown;
  /** Left side of every page's footer, e.g. "Faktura VAT nr FV/1/2026". */
  footerLabel: string;
  pageText(n: number, of: number): string;
}

const PRODUCER = 'baselinker-backup (pdf-lib)';

export async function renderDocument(
  info: DocumentInfo,
  fonts: FontProvider,
  draw: (flow: Flow) => void,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fontSet = await fonts(doc);
  const flow = new Flow(doc, fontSet);
  draw(flow);
  flow.finish(info.footerLabel, info.pageText);
  fontSet.finish();

  // A document without a usable timestamp gets the epoch rather than an unparsable date string.
  const date = new Date(Number.isFinite(info.createdAt) ? info.createdAt * 1000 : 0);
  doc.setTitle(info.title, { showInWindowTitleBar: true });
  doc.setSubject(info.subject);
  if (info.author !== '') doc.setAuthor(info.author);
  doc.setProducer(PRODUCER);
  doc.setCreator(PRODUCER);
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  doc.setLanguage(info.language === 'pl' ? 'pl-PL' : 'en');
  const id = PDFHexString.of(fingerprintHex(info.fingerprint));
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);

  // updateFieldAppearances would create an empty AcroForm; these documents have no form fields.
  return doc.save({ updateFieldAppearances: false });
}

/** 16-byte hex digest of a value, independent of object key order. */
function fingerprintHex(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 32).toUpperCase();
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
