// The as-of date and the windows derived from it, in the account's time zone.
import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfMonth } from 'date-fns';
import { isCalendarDate } from '../config/setting.js';
import { UsageError } from '../lib/errors.js';

export interface AsOf {
  /** YYYY-MM-DD */
  date: string;
  timeZone: string;
  /** Unix seconds of the first instant of the as-of date. */
  start: number;
  /** Unix seconds of the last second of the as-of date. */
  end: number;
}

export function today(nowMs: number, timeZone: string): string {
  return format(new TZDate(nowMs, timeZone), 'yyyy-MM-dd');
}

export function resolveAsOf(date: string | undefined, nowMs: number, timeZone: string): AsOf {
  const todayDate = today(nowMs, timeZone);
  const chosen = date ?? todayDate;
  if (!isCalendarDate(chosen)) throw new UsageError(`--date must be a real calendar date as YYYY-MM-DD (got ${JSON.stringify(chosen)})`);
  if (chosen > todayDate) throw new UsageError(`--date ${chosen} is in the future (today is ${todayDate} in ${timeZone})`);
  const start = startOfDay(chosen, timeZone);
  const nextDay = format(addDays(new TZDate(start * 1000, timeZone), 1), 'yyyy-MM-dd');
  return { date: chosen, timeZone, start, end: startOfDay(nextDay, timeZone) - 1 };
}

/** Unix seconds of 00:00 of a calendar date in a time zone (DST-safe). */
export function startOfDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.floor(new TZDate(y, m - 1, d, 0, 0, 0, timeZone).getTime() / 1000);
}

/** 00:00 of the 1st of the as-of month: where a first run starts taking invoices and receipts. */
export function firstOfMonth(asOf: AsOf): number {
  return Math.floor(startOfMonth(new TZDate(asOf.start * 1000, asOf.timeZone)).getTime() / 1000);
}

/** The orders window: the `days` days ending at the end of the as-of date. */
export function ordersWindow(asOf: AsOf, days: number): { from: number; to: number } {
  const from = startOfDay(format(addDays(new TZDate(asOf.start * 1000, asOf.timeZone), 1 - days), 'yyyy-MM-dd'), asOf.timeZone);
  return { from, to: asOf.end };
}

export function daysBefore(asOf: AsOf, days: number): number {
  return startOfDay(format(addDays(new TZDate(asOf.start * 1000, asOf.timeZone), -days), 'yyyy-MM-dd'), asOf.timeZone);
}
