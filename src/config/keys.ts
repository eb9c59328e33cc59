// Every setting, once: its place in the JSON file, its environment variable, its default and its check.
// The example file, the README's table and the validator all follow this list.
import { DOCUMENT_KINDS } from '../domain/documents.js';

export type Parse = (raw: unknown) => unknown;

export interface KeySpec {
  /** Dotted path in the JSON file. */
  path: string;
  env: string;
  default?: unknown;
  /** Turns a JSON or environment value into the typed value, or throws a message without the key (added later). */
  parse: Parse;
  secret?: boolean;
  doc: string;
}

const text: Parse = (raw) => {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error('must be a non-empty string');
  return raw.trim();
};

const integer =
  (min: number, max: number): Parse =>
  (raw) => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };

const number =
  (min: number, max: number): Parse =>
  (raw) => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw new Error(`must be a number from ${min} to ${max}`);
    return n;
  };

const oneOf =
  (...values: string[]): Parse =>
  (raw) => {
    if (typeof raw !== 'string' || !values.includes(raw)) throw new Error(`must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
    return raw;
  };

const list =
  (item: Parse): Parse =>
  (raw) => {
    const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
    if (!Array.isArray(items) || items.length === 0) throw new Error('must be a non-empty list');
    return items.map(item);
  };

const httpUrl: Parse = (raw) => {
  const value = text(raw) as string;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be an http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an http(s) URL');
  return value;
};

const timeZone: Parse = (raw) => {
  const value = text(raw) as string;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw new Error('must be an IANA time zone such as "Europe/Warsaw"');
  }
  return value;
};

const clockTime: Parse = (raw) => {
  const value = text(raw) as string;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw new Error('must be a time of day as HH:mm, e.g. "02:00"');
  return value;
};

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const backfillFrom: Parse = (raw) => {
  if (raw === null || raw === '') return null;
  const value = text(raw) as string;
  if (value !== 'all' && !isCalendarDate(value)) throw new Error('must be a date YYYY-MM-DD or "all"');
  return value;
};

const yesNo: Parse = (raw) => {
  if (raw === true || raw === 'true' || raw === '1') return true;
  if (raw === false || raw === 'false' || raw === '0') return false;
  throw new Error('must be true or false');
};

/** A Polish NIP: ten digits (spaces, dashes and a "PL" prefix allowed) whose check digit holds. */
const nip: Parse = (raw) => {
  const digits = (text(raw) as string).replace(/^PL/i, '').replace(/[\s-]/g, '');
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  const valid = /^\d{10}$/.test(digits) && weights.reduce((sum, w, i) => sum + w * Number(digits[i]), 0) % 11 === Number(digits[9]);
  if (!valid) throw new Error('must be a NIP: ten digits with a valid check digit, e.g. "676-246-12-34"');
  return digits;
};

const destination: Parse = (raw) => {
  const value = text(raw) as string;
  if (value === 'gdrive') return { type: 'gdrive' };
  if (value.startsWith('gdrive:') && value.length > 'gdrive:'.length) return { type: 'gdrive', parentFolderId: value.slice('gdrive:'.length) };
  if (value.startsWith('local:') && value.length > 'local:'.length) return { type: 'local', path: value.slice('local:'.length) };
  throw new Error('must be "local:<folder>", "gdrive" or "gdrive:<parent folder id>"');
};

export const CONFIG_KEYS: readonly KeySpec[] = [
  { path: 'baselinker.token', env: 'BASELINKER_TOKEN', default: null, parse: text, secret: true, doc: 'API token (BaseLinker: My account → API). Prefer the environment variable to the file.' },
  { path: 'baselinker.apiUrl', env: 'BASELINKER_API_URL', default: 'https://api.baselinker.com/connector.php', parse: httpUrl, doc: 'API endpoint.' },
  { path: 'baselinker.requestsPerMinute', env: 'BASELINKER_REQUESTS_PER_MINUTE', default: 60, parse: integer(0, 100), doc: "This tool's share of the token's 100 requests/minute, which the shop's other integrations also use. 0 turns pacing off: for the emulator only." },
  { path: 'baselinker.timeoutSeconds', env: 'BASELINKER_TIMEOUT_SECONDS', default: 60, parse: integer(1, 600), doc: 'Timeout of one request.' },
  { path: 'dataDir', env: 'BACKUP_DATA_DIR', default: './data', parse: text, doc: 'Ledger, credentials, lock and log file.' },
  { path: 'destinations', env: 'BACKUP_DESTINATION', parse: list(destination), doc: 'Where to store: "local:<folder>", "gdrive", or a list (comma-separated in the environment).' },
  { path: 'timeZone', env: 'BACKUP_TIMEZONE', default: 'Europe/Warsaw', parse: timeZone, doc: "The account's time zone: days, months and file names follow it." },
  { path: 'rootFolder', env: 'BACKUP_ROOT_FOLDER', default: 'BaseLinker Backup', parse: text, doc: 'Name of the top folder at each destination.' },
  { path: 'kinds', env: 'BACKUP_KINDS', default: [...DOCUMENT_KINDS], parse: list(oneOf(...DOCUMENT_KINDS)), doc: 'Which kinds to back up.' },
  { path: 'backfillFrom', env: 'BACKUP_BACKFILL_FROM', default: null, parse: backfillFrom, doc: 'Copy invoices and receipts issued since this date (or "all") once, on the first run, instead of from the 1st of the month.' },
  { path: 'orders.lookbackDays', env: 'BACKUP_ORDERS_LOOKBACK_DAYS', default: 90, parse: integer(30, 3650), doc: 'How far back to scan orders for a recent status change (one request per 100 orders scanned).' },
  { path: 'orders.windowDays', env: 'BACKUP_ORDERS_WINDOW_DAYS', default: 30, parse: integer(1, 365), doc: 'Orders whose status changed within this many days are written to the CSV.' },
  { path: 'orders.csvDelimiter', env: 'BACKUP_ORDERS_CSV_DELIMITER', default: ';', parse: oneOf(';', ',', '\t'), doc: 'Delimiter of the orders CSV: ";" for Excel in Polish and most European locales.' },
  { path: 'documents.recheckDays', env: 'BACKUP_DOCUMENTS_RECHECK_DAYS', default: 62, parse: integer(0, 3650), doc: 'Invoices and receipts issued this many days back are read again each night, so an edited one is stored as a new version.' },
  { path: 'documents.language', env: 'BACKUP_DOCUMENTS_LANGUAGE', default: 'pl', parse: oneOf('pl', 'en'), doc: 'Labels on rendered invoices and receipts.' },
  { path: 'nip', env: 'BACKUP_NIP', default: null, parse: nip, doc: "The account's own NIP, printed as the seller's on invoices and receipts we render when BaseLinker's seller text has none." },
  { path: 'invoices.pdf', env: 'BACKUP_INVOICES_PDF', default: 'baselinker', parse: oneOf('baselinker', 'render'), doc: '"baselinker": BaseLinker\'s official PDF, as the buyer received it with its KSeF number and QR code (one request per invoice); ours is rendered only when BaseLinker sends no PDF. "render": always our own rendering.' },
  { path: 'invoices.external', env: 'BACKUP_INVOICES_EXTERNAL', default: false, parse: yesNo, doc: 'Also store invoices whose file an external accounting system made (one more list request per 100 invoices, one file request each), named by their external number.' },
  { path: 'invoices.exemptionBasis', env: 'BACKUP_INVOICES_EXEMPTION_BASIS', default: null, parse: text, doc: 'The legal basis of VAT exemption printed on rendered invoices with "zw" lines when their additional info cites none, e.g. "art. 43 ust. 1 pkt 37 ustawy o VAT".' },
  { path: 'schedule.time', env: 'BACKUP_SCHEDULE_TIME', default: '02:00', parse: clockTime, doc: 'When `backup schedule` runs each night.' },
  { path: 'schedule.timeZone', env: 'BACKUP_SCHEDULE_TIMEZONE', default: null, parse: timeZone, doc: 'Time zone of schedule.time (default: timeZone).' },
  { path: 'gdrive.parentFolderId', env: 'GDRIVE_PARENT_FOLDER_ID', default: null, parse: text, doc: 'Drive folder (or shared drive) id to create the top folder in; default: My Drive.' },
  { path: 'gdrive.writesPerSecond', env: 'GDRIVE_WRITES_PER_SECOND', default: 3, parse: number(0, 10), doc: 'Sustained Drive writes per second (0 = unpaced).' },
  { path: 'gdrive.clientId', env: 'GOOGLE_CLIENT_ID', default: null, parse: text, doc: 'OAuth client id (Google Cloud console, "Desktop app" type).' },
  { path: 'gdrive.clientSecret', env: 'GOOGLE_CLIENT_SECRET', default: null, parse: text, secret: true, doc: 'OAuth client secret.' },
  { path: 'gdrive.refreshToken', env: 'GOOGLE_REFRESH_TOKEN', default: null, parse: text, secret: true, doc: 'Headless alternative to `backup auth google`: a refresh token for drive.file.' },
  { path: 'gdrive.apiRootUrl', env: 'GOOGLE_API_ROOT_URL', default: 'https://www.googleapis.com/', parse: httpUrl, doc: 'Root of every Drive call, uploads included (proxies, the emulator).' },
  { path: 'gdrive.tokenUrl', env: 'GOOGLE_OAUTH_TOKEN_URL', default: 'https://oauth2.googleapis.com/token', parse: httpUrl, doc: 'OAuth token endpoint.' },
  { path: 'gdrive.revokeUrl', env: 'GOOGLE_OAUTH_REVOKE_URL', default: 'https://oauth2.googleapis.com/revoke', parse: httpUrl, doc: 'OAuth revoke endpoint.' },
  { path: 'gdrive.authUrl', env: 'GOOGLE_OAUTH_AUTH_URL', default: 'https://accounts.google.com/o/oauth2/v2/auth', parse: httpUrl, doc: 'OAuth consent page.' },
  { path: 'healthcheck.url', env: 'BACKUP_HEALTHCHECK_URL', default: null, parse: httpUrl, secret: true, doc: 'Optional ping URL (healthchecks.io convention): /start, then the URL itself on success or /<exit code> with the last log lines.' },
  { path: 'log.level', env: 'BACKUP_LOG_LEVEL', default: 'info', parse: oneOf('error', 'warn', 'info', 'debug'), doc: 'Log detail.' },
];
