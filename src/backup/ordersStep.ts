import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Order } from '../domain/documents.js';
import { writeOrdersCsv } from '../render/ordersCsv.js';
import { fetchStatusNames, scanOrders } from '../sources/baselinker/lists.js';
import { parseOrder } from '../sources/baselinker/parse.js';
import { daysBefore, ordersWindow } from './asOf.js';
import { deliver } from './deliver.js';
import { documentFolder } from './layout.js';
import { ordersFileName } from './naming.js';
import { sha256Of } from './store.js';
import type { StepContext } from './run.js';

/**
 * One CSV of the orders whose status changed within the window. BaseLinker cannot filter on the status date, so
 * every confirmed order back to the lookback horizon is read and filtered here, streaming into a spool file.
 * Returns the currency of every order read, which spares a request per receipt later.
 */
export async function backupOrders(c: StepContext): Promise<Map<number, string>> {
  const { config, asOf } = c;
  const currencies = new Map<number, string>();
  const window = ordersWindow(asOf, config.orders.windowDays);
  const statusNames = await fetchStatusNames(c.api);
  const downloadedAt = c.clock.now();
  const name = ordersFileName(downloadedAt, config.timeZone);

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

  await fsp.mkdir(c.spoolDir, { recursive: true, mode: 0o700 });
  const spool = path.join(c.spoolDir, name);
  try {
    const { rows, size } = await writeOrdersCsv(spool, inWindow(), {
      delimiter: config.orders.csvDelimiter,
      timeZone: config.timeZone,
      statusNames,
    });
    const summary = `${rows} in the ${config.orders.windowDays}-day window, ${currencies.size} read`;
    c.progress.end(summary);
    c.logger.info(`orders: ${summary}`);
    await deliver(c.delivery, ordersDocument(c, name, await sha256Of({ path: spool, size })), async () => ({ path: spool, size }));
  } finally {
    // The spool is our own scratch copy, not a stored document.
    await fsp.rm(spool, { force: true });
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
