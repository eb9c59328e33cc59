// multipart/related parsing for uploadType=multipart (RFC 2387), tolerant in the ways a real MIME parser is
// (header case, preamble, epilogue, missing final CRLF) and strict in the ways Drive is: exactly two parts, the
// first being the JSON metadata.
//
// What googleapis-common 8 (build/src/apirequest.js, multipartUpload) actually sends:
//   Content-Type: multipart/related; boundary=<uuid>
//   --<uuid>\r\ncontent-type: application/json\r\n\r\n<json>\r\n
//   --<uuid>\r\ncontent-type: <media mime>\r\n\r\n<bytes>\r\n--<uuid>--
// (for a string body the CRLF is written after the part; for a stream body the final "\r\n--<uuid>--" is pushed by
// the PassThrough's flush), chunked, with no Content-Length.
import { driveError } from './errors.js';

export interface MimePart {
  headers: Record<string, string>;
  body: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/related\b/i.test(contentType.trim())) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function badMultipart(parts: number) {
  return driveError(400, 'badContent', `Invalid multipart request with ${parts} mime parts.`, {
    location: 'body',
    locationType: 'other',
  });
}

export function parseMultipart(body: Buffer, boundary: string): MimePart[] {
  const delim = Buffer.from(`--${boundary}`);
  const parts: MimePart[] = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw badMultipart(0);
  for (;;) {
    let start = pos + delim.length;
    // "--" right after a delimiter closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    // Skip transport padding and the CRLF that ends the delimiter line.
    while (body[start] === 0x20 || body[start] === 0x09) start++;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    else if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delim, start);
    if (next < 0) throw badMultipart(parts.length); // no closing delimiter: truncated body
    // The CRLF before the next delimiter belongs to the delimiter, not to the part.
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    else if (body[end - 1] === 0x0a) end -= 1;
    parts.push(splitPart(body.subarray(start, end)));
    pos = next;
  }
  return parts;
}

function splitPart(raw: Buffer): MimePart {
  let sep = raw.indexOf('\r\n\r\n');
  let skip = 4;
  if (sep < 0) {
    sep = raw.indexOf('\n\n');
    skip = 2;
  }
  // A part with no blank line has headers only if it starts with one; otherwise it is all body.
  const headers: Record<string, string> = {};
  if (sep < 0) return { headers, body: Buffer.from(raw) };
  for (const line of raw.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return { headers, body: Buffer.from(raw.subarray(sep + skip)) };
}

/** Splits an upload body into Drive's two parts: metadata JSON and media. */
export function metadataAndMedia(body: Buffer, contentType: string | undefined): {
  metadata: Buffer;
  media: Buffer;
  mediaType: string | undefined;
} {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw badMultipart(0);
  const parts = parseMultipart(body, boundary);
  if (parts.length !== 2) throw badMultipart(parts.length);
  const [meta, media] = parts as [MimePart, MimePart];
  const metaType = meta.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(metaType)) throw badMultipart(parts.length);
  let bytes = media.body;
  if ((media.headers['content-transfer-encoding'] ?? '').toLowerCase() === 'base64') {
    bytes = Buffer.from(bytes.toString('latin1'), 'base64');
  }
  return { metadata: meta.body, media: bytes, mediaType: media.headers['content-type'] };
}
