import { describe, expect, it } from 'vitest';
import { firstOfMonth, ordersWindow, resolveAsOf } from '../../src/backup/asOf.js';

const now = Date.UTC(2026, 10, 21, 12);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

describe('as-of date', () => {
  it('defaults to today in the account time zone', () => {
    // 23:30 UTC on the 20th is the 21st in Warsaw.
    expect(resolveAsOf(undefined, Date.UTC(2026, 10, 20, 23, 30), 'Europe/Warsaw').date).toBe('2026-11-21');
  });

  it('spans the whole local day, across a DST change', () => {
    const asOf = resolveAsOf('2026-10-25', now, 'Europe/Warsaw');
    expect(iso(asOf.start)).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(asOf.end)).toBe('2026-10-25T22:59:59.000Z');
  });

  it.each([['2026-13-01'], ['2026-02-29'], ['20261120'], ['yesterday'], ['2026-11-22']])('rejects %s with a clear message', (date) => {
    expect(() => resolveAsOf(date, now, 'Europe/Warsaw')).toThrow(/--date/);
  });

  it('derives the first-run cutoff and the 30-day orders window', () => {
    const asOf = resolveAsOf('2026-11-20', now, 'Europe/Warsaw');
    expect(iso(firstOfMonth(asOf))).toBe('2026-10-31T23:00:00.000Z');
    const window = ordersWindow(asOf, 30);
    expect(iso(window.from)).toBe('2026-10-21T22:00:00.000Z');
    expect(iso(window.to)).toBe('2026-11-20T22:59:59.000Z');
  });
});
