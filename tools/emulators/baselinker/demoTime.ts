// Time and chance for the demo shop, both deterministic: every instant is a wall-clock time in the account's
// zone relative to `asOf` (never Date.now), and "random" choices come from a seeded generator, so the same
// asOf always gives the same shop.

import { TZDate } from '@date-fns/tz';

export interface AccountClock {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly timeZone: string;
  /** Unix seconds of a wall-clock time `daysBefore` days before asOf (negative: after). */
  at(daysBefore: number, hour?: number, minute?: number, second?: number): number;
  /** Unix seconds of a wall-clock time on `day` of the month `monthOffset` months from asOf's month. */
  inMonth(monthOffset: number, day: number, hour?: number, minute?: number, second?: number): number;
  /** Days in the month `monthOffset` months from asOf's month. */
  daysInMonth(monthOffset: number): number;
  /** The local calendar date of an instant. */
  localDate(unixSeconds: number): { year: number; month: number; day: number; weekday: number };
}

export function accountClock(asOf: string, timeZone: string): AccountClock {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (!match || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new Error(`asOf must be a calendar date YYYY-MM-DD, got "${asOf}"`);
  }
  const seconds = (d: TZDate) => Math.floor(d.getTime() / 1000);
  return {
    year,
    month,
    day,
    timeZone,
    at: (daysBefore, hour = 0, minute = 0, second = 0) =>
      seconds(new TZDate(year, month - 1, day - daysBefore, hour, minute, second, timeZone)),
    inMonth: (monthOffset, d, hour = 0, minute = 0, second = 0) =>
      seconds(new TZDate(year, month - 1 + monthOffset, d, hour, minute, second, timeZone)),
    daysInMonth: (monthOffset) => new Date(Date.UTC(year, month + monthOffset, 0)).getUTCDate(),
    localDate: (unixSeconds) => {
      const d = new TZDate(unixSeconds * 1000, timeZone);
      return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), weekday: d.getDay() };
    },
  };
}

/** mulberry32: tiny, seeded, good enough to scatter demo orders. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DAY = 86_400;
export const HOUR = 3_600;
