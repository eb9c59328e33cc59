// Number and date formatting for documents. Hand-rolled rather than Intl.NumberFormat: Polish ICU data groups
// only from five digits ("1234,56") and uses a no-break space, while accountants expect "1 234,56"; and the
// output must not change with the Node/ICU version, or the files stop being reproducible.
import { format as formatDate } from 'date-fns';
import { tz } from '@date-fns/tz';

export type Language = 'pl' | 'en';

const SEPARATORS: Record<Language, { group: string; decimal: string }> = {
  pl: { group: ' ', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

/**
 * Rounds half away from zero to `decimals` places, as Polish VAT rules require. Going through
 * toPrecision(15) first removes binary noise (1.005 * 100 = 100.49999999999999 must round to 101).
 */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  const rounded = Math.round(scaled) / factor;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

/** Integer cents of an amount, rounded half away from zero. */
export function toCents(value: number): number {
  return Math.round(roundTo(value, 2) * 100);
}

/** Formats with exactly minDecimals..maxDecimals decimals and language-specific separators. */
export function formatNumber(value: number, language: Language, minDecimals: number, maxDecimals = minDecimals): string {
  if (!Number.isFinite(value)) return String(value);
  const { group, decimal } = SEPARATORS[language];
  const rounded = roundTo(value, maxDecimals);
  const [intPart, fracPart = ''] = Math.abs(rounded).toFixed(maxDecimals).split('.');
  let fraction = fracPart;
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const grouped = intPart!.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const sign = rounded < 0 ? '-' : '';
  return fraction === '' ? `${sign}${grouped}` : `${sign}${grouped}${decimal}${fraction}`;
}

/** An amount with two decimals: "1 234,56" (pl), "1,234.56" (en). */
export function formatMoney(value: number, language: Language): string {
  return formatNumber(value, language, 2);
}

/** Amount from integer cents, so sums of cents never pick up float noise. */
export function formatCents(cents: number, language: Language): string {
  return formatMoney(cents / 100, language);
}

/** Quantities: "3", "1,5", "0,125" (up to three decimals, as BaseLinker stores them). */
export function formatQuantity(value: number, language: Language): string {
  return formatNumber(value, language, 0, 3);
}

/** Exchange rates keep NBP's four decimals, more if BaseLinker stored more. */
export function formatRate(value: number, language: Language): string {
  return formatNumber(value, language, 4, 6);
}

const zones = new Map<string, ReturnType<typeof tz>>();

/** Validates the time zone once (date-fns would silently print "Invalid Date"-like output). */
function zone(timeZone: string): ReturnType<typeof tz> {
  let z = zones.get(timeZone);
  if (!z) {
    // Throws RangeError for an unknown zone name: better than a document with wrong dates.
    new Intl.DateTimeFormat('en', { timeZone });
    z = tz(timeZone);
    zones.set(timeZone, z);
  }
  return z;
}

/** ISO calendar date of a Unix-seconds timestamp in the given zone: unambiguous in any language. */
export function formatDay(unixSeconds: number, timeZone: string): string {
  return formatDate(unixSeconds * 1000, 'yyyy-MM-dd', { in: zone(timeZone) });
}

/** Date and time (minutes) in the given zone, for receipts. */
export function formatDateTime(unixSeconds: number, timeZone: string): string {
  return formatDate(unixSeconds * 1000, 'yyyy-MM-dd HH:mm', { in: zone(timeZone) });
}
