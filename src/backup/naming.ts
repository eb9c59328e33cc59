// Where a document goes and what it is called. Pure: the same document always gets the same candidates.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { StoredKind } from '../destinations/destination.js';

const KIND_SINGULAR: Record<StoredKind, string> = { orders: 'orders', invoices: 'invoice', receipts: 'receipt', fact: 'fact' };

// Leaves room for " (id 1234567890) (v99)" and an extension inside the 255-byte limit of common file systems.
const MAX_BASE_BYTES = 180;
// Windows reserves these names with any extension too ("CON.2026.pdf" is the console), and the superscript digits
// as well; OneDrive refuses COM0 and LPT0 besides.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// Half a UTF-16 pair is no character: written to disk it becomes U+FFFD, so the name read back would not match.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Dropbox refuses every character outside the Basic Multilingual Plane, most emoji among them (Dropbox staff in
// dropbox-sdk-java#42; rclone#6199). One name for every destination, so they go everywhere.
const BEYOND_BMP = /[\u{10000}-\u{10ffff}]/gu;

/**
 * A document number made safe as a file name on Linux, macOS, Windows, Drive, OneDrive and Dropbox: "/" becomes "_"
 * (BaseLinker's own convention), every other troublesome character too, and names that a file system treats
 * specially are defused. OneDrive adds its own ("Invalid file names and file types in OneDrive and SharePoint"):
 * "#" and "%" (refused where a work or school tenant still has them off), a leading "~" ("~$" marks Office lock
 * files; SharePoint refuses a leading "~"), "_vti_" anywhere, COM0 and LPT0. Dropbox refuses characters outside
 * the Basic Multilingual Plane (most emoji). Every destination gets the same names.
 * Returns "" when nothing usable is left; the caller then names the document by kind and id.
 */
export function safeBaseName(documentNumber: string): string {
  let name = documentNumber
    .replace(LONE_SURROGATE, '_')
    .replace(BEYOND_BMP, '_')
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[/\\:*?"<>|#%\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    // Trailing dots and spaces vanish on Windows; leading dots hide files and ".." walks up.
    .replace(/[. ]+$/, '')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .replace(/^~/, '_')
    .replace(/_vti_/gi, (vti) => `${vti.slice(0, 4)}-`);
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  return truncateUtf8(name, MAX_BASE_BYTES);
}

function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value) <= maxBytes) return value;
  let out = '';
  for (const char of value) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out.trimEnd();
}

/**
 * Names to try, in order, for one version of one document. The plain number first; if another document already
 * holds that name in the folder, the same with the document's id, which no other document shares. An orders file
 * is a snapshot, never a version of another: a second one made in the same second is "_2", not "(v2)".
 */
export function candidateNames(kind: StoredKind, documentNumber: string, sourceId: string, version: number, extension: string): string[] {
  const base = safeBaseName(documentNumber) || `${KIND_SINGULAR[kind]}-${sourceId}`;
  if (kind === 'orders') return [`${base}.${extension}`, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${base}_${n}.${extension}`)];
  const suffix = version > 1 ? ` (v${version})` : '';
  const withId = `${base} (id ${sourceId})`;
  // Further candidates only matter when files we did not store sit under the first names.
  const numbered = [2, 3, 4, 5].map((n) => `${withId} (${n})${suffix}.${extension}`);
  return [`${base}${suffix}.${extension}`, `${withId}${suffix}.${extension}`, ...numbered];
}

/** orders_2026-11-20_02-00-13.csv: the moment of the download in the account's time zone. */
export function ordersFileName(downloadedAtMs: number, timeZone: string): string {
  return `orders_${format(new TZDate(downloadedAtMs, timeZone), 'yyyy-MM-dd_HH-mm-ss')}.csv`;
}

/** order-items_2026-11-20_02-00-13.csv: the lines of the orders CSV of the same name's moment. */
export function orderItemsFileName(ordersFileName: string): string {
  return ordersFileName.replace(/^orders_/, 'order-items_');
}

export function folderKey(folder: readonly string[]): string {
  return folder.join('/');
}
