import path from 'node:path';
// Every setting, once. The Config type, the environment variables, the validation, the README's table and the
// example file all follow this object; destinations contribute their own sections through the registry.
import { DOCUMENT_KINDS, type DocumentKind } from '../domain/documents.js';
import { DESTINATION_SETTINGS, parseDestinationSpec } from '../destinations/registry.js';
import { parseLayout } from '../backup/layout.js';
import {
  clockTime,
  flag,
  folderName,
  httpUrl,
  integer,
  isCalendarDate,
  list,
  oneOf,
  optional,
  setting,
  text,
  timeZone,
  type Parse,
  type Values,
} from './setting.js';

const backfillFrom: Parse<string | null> = (raw, context) => {
  if (raw === null || raw === '') return null;
  const value = text(raw, context);
  if (value !== 'all' && !isCalendarDate(value)) throw new Error('must be a date YYYY-MM-DD or "all"');
  return value;
};

const layout: Parse<string | null> = optional((raw, context) => {
  const value = text(raw, context);
  parseLayout(value);
  return value;
});

/**
 * The seller's VAT number: a Polish NIP (ten digits, spaces, dashes and a "PL" prefix allowed) whose check digit
 * holds, kept as its ten digits; or another EU country's VAT number with its country prefix (an accounting office's
 * foreign clients), kept as written without spaces.
 */
const nip: Parse<string | null> = optional((raw, context) => {
  const value = text(raw, context).replace(/[\s-]/g, '').toUpperCase();
  const polish = value.replace(/^PL/, '');
  if (/^\d{10}$/.test(polish)) {
    const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    if (weights.reduce((sum, w, i) => sum + w * Number(polish[i]), 0) % 11 === Number(polish[9])) return polish;
    throw new Error('must be a NIP with a valid check digit, e.g. "676-246-12-34"');
  }
  if (/^(?!PL)[A-Z]{2}[0-9A-Z]{2,13}$/.test(value)) return value;
  throw new Error('must be a NIP (ten digits, e.g. "676-246-12-34") or an EU VAT number with its country prefix (e.g. "BE0123456789")');
});

export const SCHEMA = {
  baselinker: {
    token: setting({ env: 'BASELINKER_TOKEN', default: null as string | null, parse: optional(text), secret: true, scope: 'account', doc: 'API token (BaseLinker: My account → API). Keep it in the environment or in `tokenFile`, not in the config file.' }),
    tokenFile: setting({ env: 'BASELINKER_TOKEN_FILE', default: null as string | null, parse: optional((raw, context) => path.resolve(context.cwd, text(raw, context))), scope: 'account', doc: 'A file holding the token (readable by its owner only), instead of `token`.' }),
    apiUrl: setting({ env: 'BASELINKER_API_URL', default: 'https://api.baselinker.com/connector.php', parse: httpUrl, scope: 'account', doc: 'API endpoint.' }),
    requestsPerMinute: setting({ env: 'BASELINKER_REQUESTS_PER_MINUTE', default: 60, parse: integer(0, 100), scope: 'install', doc: "This tool's share of each token's 100 requests/minute, which the shop's other integrations also use. `0` turns pacing off (for the emulator only)." }),
    timeoutSeconds: setting({ env: 'BASELINKER_TIMEOUT_SECONDS', default: 60, parse: integer(1, 600), scope: 'install', doc: 'Timeout of one request.' }),
  },
  dataDir: setting({ env: 'BACKUP_DATA_DIR', default: './data', parse: text, scope: 'install', doc: 'Ledger, sign-ins, lock and log file (`backup.log`, JSON lines); with `accounts`, one folder per account inside.' }),
  destinations: setting({
    env: 'BACKUP_DESTINATION',
    default: null as ReturnType<typeof parseDestinationSpec>[] | null,
    parse: optional(list(parseDestinationSpec)),
    scope: 'account',
    doc: 'Where to store (see "Destinations"); a list in the file, comma-separated in the environment (`gdrive,local:/srv/backup`). Each destination is tracked separately, so one failing neither blocks nor duplicates another.',
    shownDefault: '—',
  }),
  timeZone: setting({ env: 'BACKUP_TIMEZONE', default: 'Europe/Warsaw', parse: timeZone, scope: 'account', doc: "The account's time zone: days, months and file names follow it." }),
  rootFolder: setting({ env: 'BACKUP_ROOT_FOLDER', default: 'BaseLinker Backup', parse: folderName, scope: 'account', doc: 'Top folder at each destination (one folder name).' }),
  layout: setting({
    env: 'BACKUP_LAYOUT',
    default: null as string | null,
    parse: layout,
    scope: 'account',
    doc: 'Folders below `rootFolder`, from `{account}`, `{yyyy}`, `{MM}` and `{kind}` (Orders, Invoices, Receipts): `{kind}/{yyyy}/{MM}`, `{yyyy}/{kind}`…',
    shownDefault: '`{yyyy}/{MM}/{kind}`; with `accounts`, `{account}/{yyyy}/{MM}/{kind}`',
  }),
  kinds: setting({
    env: 'BACKUP_KINDS',
    default: [...DOCUMENT_KINDS] as DocumentKind[],
    parse: list(oneOf(...DOCUMENT_KINDS)),
    scope: 'account',
    doc: 'Which of `orders`, `invoices`, `receipts` to back up.',
    shownDefault: 'all three',
  }),
  backfillFrom: setting({ env: 'BACKUP_BACKFILL_FROM', default: null as string | null, parse: backfillFrom, scope: 'account', doc: '`YYYY-MM-DD` or `all`: copy invoices and receipts issued since then, once.', shownDefault: 'none' }),
  name: setting({ env: null, default: null as string | null, parse: optional(text), scope: 'account', doc: "The company's name, for its folder (`{account}` is `<name>_<nip>`, else `<name>`, else the account's id).", shownDefault: 'none' }),
  nip: setting({ env: 'BACKUP_NIP', default: null as string | null, parse: nip, scope: 'account', doc: "The account's own VAT number (NIP): in its folder's name, and printed as the seller's on invoices and receipts we render when BaseLinker's seller text has none.", shownDefault: 'none' }),
  orders: {
    lookbackDays: setting({ env: 'BACKUP_ORDERS_LOOKBACK_DAYS', default: 90, parse: integer(30, 3650), scope: 'account', doc: 'How far back to look for orders whose status changed recently (one request per 100 orders scanned).' }),
    windowDays: setting({ env: 'BACKUP_ORDERS_WINDOW_DAYS', default: 30, parse: integer(1, 365), scope: 'account', doc: 'Orders whose status changed within this many days go into the CSV (at most `lookbackDays`).' }),
    csvDelimiter: setting({ env: 'BACKUP_ORDERS_CSV_DELIMITER', default: ';' as ';' | ',' | '\t', parse: oneOf(';', ',', '\t'), scope: 'account', doc: '`;` (with decimal commas: what Excel expects in Polish and most European locales) or `,` (decimal points).' }),
  },
  documents: {
    language: setting({ env: 'BACKUP_DOCUMENTS_LANGUAGE', default: 'pl' as 'pl' | 'en', parse: oneOf('pl', 'en'), scope: 'account', doc: 'Labels on invoices and receipts: `pl` or `en`.' }),
    recheckDays: setting({ env: 'BACKUP_DOCUMENTS_RECHECK_DAYS', default: 62, parse: integer(0, 3650), scope: 'account', doc: 'How far back each night looks again for edited invoices and receipts.' }),
  },
  invoices: {
    pdf: setting({
      env: 'BACKUP_INVOICES_PDF',
      default: 'baselinker' as 'render' | 'baselinker',
      parse: oneOf('baselinker', 'render'),
      scope: 'account',
      doc: "`baselinker`: BaseLinker's official PDF, as the buyer received it with its KSeF number and QR code (one request per invoice); ours is rendered only where BaseLinker sends no PDF. `render`: always our own rendering.",
    }),
    external: setting({ env: 'BACKUP_INVOICES_EXTERNAL', default: false, parse: flag, scope: 'account', doc: 'Also store invoices an external accounting system issued (one more list request per 100 invoices, one file request each), named by their external number.' }),
    exemptionBasis: setting({ env: 'BACKUP_INVOICES_EXEMPTION_BASIS', default: null as string | null, parse: optional(text), scope: 'account', doc: 'The legal basis of a VAT exemption printed on rendered invoices with "zw" lines whose additional info cites none, e.g. "art. 43 ust. 1 pkt 37 ustawy o VAT".' }),
  },
  schedule: {
    // 03:30 exists exactly once every night: Europe skips 02:00–03:00 in spring and repeats it in autumn (North
    // America 02:00–03:00 and 01:00–02:00); a time in that hour would miss the spring night's backup.
    time: setting({ env: 'BACKUP_SCHEDULE_TIME', default: '03:30', parse: clockTime, scope: 'install', doc: 'When `backup schedule` runs. Keep it out of the hour the clocks change (02:00–03:00 in Europe), or one night a year has no backup; `status` warns.' }),
    timeZone: setting({ env: 'BACKUP_SCHEDULE_TIMEZONE', default: null as string | null, parse: optional(timeZone), scope: 'install', doc: 'Time zone of `schedule.time`.', shownDefault: '`timeZone`' }),
  },
  log: {
    level: setting({ env: 'BACKUP_LOG_LEVEL', default: 'info' as 'error' | 'warn' | 'info' | 'debug', parse: oneOf('error', 'warn', 'info', 'debug'), scope: 'install', doc: '`error`, `warn`, `info` or `debug`.' }),
    format: setting({ env: 'BACKUP_LOG_FORMAT', default: 'auto' as 'auto' | 'json' | 'text', parse: oneOf('auto', 'json', 'text'), scope: 'install', doc: 'stderr lines: `auto` (readable on a terminal, JSON lines otherwise), `json` or `text`.' }),
    stderr: setting({
      env: 'BACKUP_LOG_STDERR',
      default: 'auto' as 'auto' | 'all' | 'failures',
      parse: oneOf('auto', 'all', 'failures'),
      scope: 'install',
      doc: 'When lines go to stderr: `all` (as they happen), `failures` (none when a command succeeds; all of them after it when it fails, so that cron mails only failures) or `auto` (`all` on a terminal, into the systemd journal and under `backup schedule`, `failures` elsewhere, as under cron). The log file keeps every line.',
    }),
  },
  healthcheck: {
    url: setting({ env: 'BACKUP_HEALTHCHECK_URL', default: null as string | null, parse: optional(httpUrl), secret: true, scope: 'account', doc: 'A ping URL in the [healthchecks.io](https://healthchecks.io) convention: `<url>/start` when a run starts, `<url>` on success, `<url>/<exit code>` with the last log lines on failure, so a missed or failed night is noticed. A ping that fails never fails the backup.', shownDefault: 'none' }),
  },
  parallelAccounts: setting({ env: 'BACKUP_PARALLEL_ACCOUNTS', default: 4, parse: integer(1, 64), scope: 'install', doc: 'With `accounts`: how many accounts run side by side (each has its own BaseLinker budget).' }),
  accounts: setting({
    env: null,
    default: null as unknown[] | null,
    parse: (raw) => {
      if (!Array.isArray(raw) || raw.length === 0) throw new Error('must be a non-empty list of accounts');
      return raw as unknown[];
    },
    scope: 'install',
    doc: 'Several client accounts in one installation (see "Accounting offices"); unset keys of an account inherit the top level.',
    shownDefault: 'one account',
  }),
  ...DESTINATION_SETTINGS,
} as const;

export type Schema = typeof SCHEMA;
export type SettingsValues = Values<Schema>;
