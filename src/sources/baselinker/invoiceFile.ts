// getInvoiceFile's answer, read by its bytes rather than its label. The documentation promises "data:" followed by
// base64, yet shows base64 of a JPEG; a full data URI ("data:application/pdf;base64,…") and bare base64 occur too,
// and an external accounting system's file may be XML. What the bytes are decides what the backup does with them.
import { text } from './loose.js';

export type FileKind = 'pdf' | 'xml' | 'jpeg' | 'png' | 'unknown';

/** The file extension each kind is stored under. */
export const EXTENSION: Record<FileKind, string> = { pdf: 'pdf', xml: 'xml', jpeg: 'jpg', png: 'png', unknown: 'bin' };
export const CONTENT_TYPE: Record<FileKind, string> = {
  pdf: 'application/pdf',
  xml: 'application/xml',
  jpeg: 'image/jpeg',
  png: 'image/png',
  unknown: 'application/octet-stream',
};

/** The bytes of an `invoice` field in any of the forms it arrives in. */
export function decodeInvoiceFile(value: unknown): Uint8Array {
  const data = text(value).trim();
  if (!data.startsWith('data:')) return base64(data);
  const rest = data.slice('data:'.length);
  // Base64 has no comma, so a comma means a media type before it ("application/pdf;base64,").
  const comma = rest.indexOf(',');
  if (comma < 0) return base64(rest);
  const header = rest.slice(0, comma).toLowerCase();
  const payload = rest.slice(comma + 1);
  return header.split(';').includes('base64') ? base64(payload) : percentDecoded(payload);
}

/** Lenient, like the answer it reads: whatever decodes is judged by sniffFile, not here. */
function base64(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data.replace(/\s+/g, ''), 'base64'));
}

/** A data URI without ";base64": bytes as %XX escapes, the rest as they are. */
function percentDecoded(data: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === '%' && /^[0-9a-f]{2}$/i.test(data.slice(i + 1, i + 3))) {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(data[i]!, 'utf8'));
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * What the bytes are. A PDF must also end with its %%EOF marker: one cut short in transit is not the official copy.
 * XML may start with a byte order mark or whitespace; anything else is judged by its first bytes only.
 */
export function sniffFile(bytes: Uint8Array): FileKind {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = buffer.subarray(0, 1024).toString('latin1');
  if (head.startsWith('%PDF-')) return buffer.subarray(-1024).toString('latin1').includes('%%EOF') ? 'pdf' : 'unknown';
  if (buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'jpeg';
  if (head.startsWith('\x89PNG\r\n\x1a\n')) return 'png';
  if (/^(\xef\xbb\xbf)?\s*<(\?xml|[A-Za-z])/.test(head)) return looksLikeHtml(head) ? 'unknown' : 'xml';
  return 'unknown';
}

/** An HTML error page is markup too, but no invoice. */
function looksLikeHtml(head: string): boolean {
  return /^(\xef\xbb\xbf)?\s*<(!doctype html|html)\b/i.test(head);
}
