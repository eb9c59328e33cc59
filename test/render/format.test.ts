import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatDay,
  formatMoney,
  formatQuantity,
  formatRate,
  roundTo,
} from '../../src/render/format.js';
import { formatTaxRate, taxRateLegend } from '../../src/render/taxRate.js';
import { utc } from '../fixtures/documents.js';

describe('number formatting', () => {
  it('groups thousands with a space and uses a decimal comma in Polish', () => {
    expect(formatMoney(1234.56, 'pl')).toBe('1 234,56');
    expect(formatMoney(1234567.5, 'pl')).toBe('1 234 567,50');
    expect(formatMoney(999.999, 'pl')).toBe('1 000,00');
    expect(formatMoney(0, 'pl')).toBe('0,00');
  });

  it('uses 1,234.56 in English', () => {
    expect(formatMoney(1234.56, 'en')).toBe('1,234.56');
    expect(formatMoney(-2284.1, 'en')).toBe('-2,284.10');
  });

  it('rounds half away from zero despite binary noise', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(2.675, 2)).toBe(2.68);
    expect(formatMoney(-0.004, 'pl')).toBe('0,00'); // no "-0,00"
  });

  it('prints quantities without needless decimals and rates with four', () => {
    expect(formatQuantity(3, 'pl')).toBe('3');
    expect(formatQuantity(1.5, 'pl')).toBe('1,5');
    expect(formatQuantity(0.125, 'en')).toBe('0.125');
    expect(formatRate(4.2954, 'pl')).toBe('4,2954');
    expect(formatRate(4.3, 'en')).toBe('4.3000');
  });
});

describe('dates', () => {
  it('prints the calendar day in the requested time zone', () => {
    const lateEvening = utc(2026, 11, 9, 23, 30);
    expect(formatDay(lateEvening, 'Europe/Warsaw')).toBe('2026-11-10');
    expect(formatDay(lateEvening, 'UTC')).toBe('2026-11-09');
    expect(formatDateTime(utc(2026, 7, 1, 10, 5), 'Europe/Warsaw')).toBe('2026-07-01 12:05'); // summer time
  });

  it('rejects an unknown time zone instead of printing wrong dates', () => {
    expect(() => formatDay(0, 'Europe/Nowhere')).toThrow(RangeError);
  });
});

describe('tax rates', () => {
  it('shows BaseLinker special codes the Polish way', () => {
    expect(formatTaxRate(23, 'pl')).toBe('23%');
    expect(formatTaxRate(5.5, 'pl')).toBe('5,5%');
    expect(formatTaxRate(-1, 'en')).toBe('zw');
    expect(formatTaxRate(-0.02, 'pl')).toBe('np');
    expect(formatTaxRate(-0.03, 'pl')).toBe('oo');
    expect(formatTaxRate(0, 'pl')).toBe('0%');
  });

  it('explains only the codes that occur', () => {
    expect(taxRateLegend([23, -0.03, 8], 'pl')).toEqual(['oo – odwrotne obciążenie']);
    expect(taxRateLegend([23], 'en')).toEqual([]);
  });
});
