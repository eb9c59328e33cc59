// The benchmark's generated account: deterministic, with exactly the counts asked for, inside the scan horizons.
import { describe, expect, it } from 'vitest';
import { resolveAsOf, daysBefore } from '../../src/backup/asOf.js';
import { largeShop } from '../../tools/emulators/baselinker/largeShop.js';

const AS_OF = '2026-11-20';
const options = { asOf: AS_OF, orders: 3000, invoices: 800, receipts: 300 };

describe('largeShop', () => {
  const shop = largeShop(options);

  it('has the requested counts', () => {
    expect(shop.orders).toHaveLength(3000);
    expect(shop.invoices).toHaveLength(800);
    expect(shop.receipts).toHaveLength(300);
    expect(shop.invoices.filter((i) => i.type === 'correcting').length).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    expect(largeShop(options)).toEqual(shop);
    expect(largeShop({ ...options, orders: 3001 })).not.toEqual(shop);
  });

  it('keeps every order in a default scan and every document up to the as-of date, in id order', () => {
    const asOf = resolveAsOf(AS_OF, Date.parse('2026-11-21T12:00:00Z'), 'Europe/Warsaw');
    const horizon = daysBefore(asOf, 90);
    for (const o of shop.orders) expect(o.confirmed && o.date_confirmed >= horizon && o.date_in_status <= asOf.end).toBe(true);
    const rising = (xs: number[]) => xs.every((x, k) => k === 0 || x > xs[k - 1]!);
    expect(rising(shop.orders.map((o) => o.date_confirmed))).toBe(true);
    expect(rising(shop.orders.map((o) => o.order_id))).toBe(true);
    expect(rising(shop.invoices.map((i) => i.invoice_id))).toBe(true);
    expect(rising(shop.receipts.map((r) => r.receipt_id))).toBe(true);
    const orderIds = new Set(shop.orders.map((o) => o.order_id));
    for (const d of [...shop.invoices, ...shop.receipts]) {
      expect(d.date_add).toBeLessThanOrEqual(asOf.end);
      expect(orderIds.has(d.order_id)).toBe(true);
    }
    expect(new Set(shop.invoices.map((i) => i.number)).size).toBe(800);
    expect(new Set(shop.receipts.map((r) => r.receipt_full_nr)).size).toBe(300);
  });

  it('refuses more documents than orders', () => {
    expect(() => largeShop({ asOf: AS_OF, orders: 10, invoices: 8, receipts: 3 })).toThrow(/one invoice or receipt per order/);
  });
});
