import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Order } from '../domain/documents.js';
import { makeFolders } from '../lib/folders.js';
import { count } from '../lib/plural.js';
import { writeOrdersCsv } from '../render/ordersCsv.js';
import { fetchStatusNames, scanOrders } from '../sources/baselinker/lists.js';
import { parseOrder } from '../sources/baselinker/parse.js';
import { daysBefore, ordersWindow } from './asOf.js';
import { deliver } from './deliver.js';
import { documentFolder } from './layout.js';
import { orderItemsFileName, ordersFileName } from './naming.js';
import type { StepContext } from './run.js';
import { sha256Of } from './store.js';

/**
 * One CSV of the orders whose status changed within the window, and beside it one of their lines (order-items_…),
 * each its own document in the ledger. BaseLinker cannot filter on the status date, so every confirmed order back
 * to the lookback horizon is read and filtered here, streaming into two spool files. An order's invoice and KSeF
 * number come from the ledger, where the invoices step (which runs first) recorded what it read. Returns the
 * currency of every order read, which spares a request per receipt later.
 */
export async function backupOrders(c: StepContext): Promise<Map<number, string>> {
  const { config, asOf } = c;
  const currencies = new Map<number, string>();
  const window = ordersWindow(asOf, config.orders.windowDays);
  const statusNames = await fetchStatusNames(c.api);
  const downloadedAt = c.clock.now();
  const name = ordersFileName(downloadedAt, config.timeZone);
  const itemsName = orderItemsFileName(name);

  const horizon = daysBefore(asOf, config.orders.lookbackDays);
  async function* inWindow(): AsyncGenerator<Order> {
    c.progress.start('orders', horizon, Math.floor(downloadedAt / 1000));
    for await (const raw of scanOrders(c.api, horizon)) {
      // One malformed order is left out of the CSV and counted (exit 3), instead of costing the night its invoices.
      const order = c.parseOrSkip('orders', raw, parseOrder);
      if (!order) continue;
      currencies.set(order.id, order.currency);
      c.progress.advance(currencies.size, order.confirmedAt);
      if (order.inStatusSince >= window.from && order.inStatusSince <= window.to) yield order;
    }
  }

  makeFolders(c.spoolDir, 0o700);
  const spool = { orders: path.join(c.spoolDir, name), items: path.join(c.spoolDir, itemsName) };
  try {
    const written = await writeOrdersCsv(spool, inWindow(), {
      delimiter: config.orders.csvDelimiter,
      timeZone: config.timeZone,
      statusNames,
      invoiceOf: (orderId) => {
        const invoice = c.ledger.invoiceOfOrder(orderId);
        return invoice && { number: invoice.number, ksefNumber: invoice.gov_id, ksefStatus: invoice.gov_status };
      },
    });
    const summary = `${written.orders.rows} in the ${config.orders.windowDays}-day window (${count(written.items.rows, 'line')}), ${currencies.size} read`;
    c.progress.end();
    c.logger.info(`orders: ${summary}`);
    for (const [file, spooled, { size }] of [
      [name, spool.orders, written.orders],
      [itemsName, spool.items, written.items],
    ] as const) {
      await deliver(c.delivery, ordersDocument(c, file, await sha256Of({ path: spooled, size })), async () => ({ path: spooled, size }));
    }
  } finally {
    // The spools are our own scratch copies, not stored documents.
    await Promise.all([fsp.rm(spool.orders, { force: true }), fsp.rm(spool.items, { force: true })]);
  }
  return currencies;
}

function ordersDocument(c: StepContext, name: string, hash: string) {
  const number = name.replace(/\.csv$/, '');
  return {
    kind: 'orders' as const,
    sourceId: number,
    hash,
    number,
    issuedAt: c.asOf.start,
    folder: documentFolder(c.config, 'orders', c.asOf.start),
    extension: 'csv',
    contentType: 'text/csv',
  };
}
