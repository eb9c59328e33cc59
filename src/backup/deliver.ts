import { BackupError, errorMessage, DestinationFullError, UnauthorisedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { isLedgerFailure, type Ledger } from '../ledger/ledger.js';
import type { Body, Destination } from '../destinations/destination.js';
import { folderKey } from './naming.js';
import { needsStoring, plannedName, storeVersion, type DocumentVersion } from './store.js';
import type { Tally } from './tally.js';

export interface DeliveryContext {
  ledger: Ledger;
  destinations: readonly Destination[];
  logger: Logger;
  tally: Tally;
  runId: number;
  dryRun: boolean;
}

/**
 * Sends one document version to every destination that does not have it yet. The body is produced once, and only
 * if some destination needs it. A failure at one destination is counted and does not stop the others; a refusal
 * by the source while producing the body (BaseLinker's token, a malformed answer) stops the run.
 */
export async function deliver(c: DeliveryContext, doc: DocumentVersion, produce: () => Promise<Body>, sourceRequests = 0): Promise<void> {
  const needing = c.destinations.filter((destination) => needsStoring(c.ledger, destination, doc));
  if (c.dryRun) {
    for (const d of needing) c.tally.planned.push({ destination: d.id, path: `${folderKey(doc.folder)}/${plannedName(c.ledger, d, doc).name}` });
    if (needing.length > 0) c.tally.plannedSourceRequests += sourceRequests;
    return;
  }
  const open = needing.filter((d) => !c.tally.stoppedDestinations.has(d.id));
  c.tally.failed[doc.kind] += needing.length - open.length;
  if (open.length === 0) return;

  let body: Body;
  try {
    body = await produce();
  } catch (error) {
    if (error instanceof BackupError) throw error;
    c.tally.failed[doc.kind] += open.length;
    c.logger.error(`could not render ${doc.kind} ${doc.number}: ${errorMessage(error)}`);
    return;
  }

  for (const destination of open) {
    try {
      const outcome = await storeVersion(c.ledger, destination, doc, async () => body, c.runId);
      if (outcome === 'stored') {
        c.tally.stored[doc.kind]++;
        // Debug, not info: the ledger records every stored file; a first backfill should not mail 5 000 lines.
        c.logger.debug(`stored ${doc.kind} ${doc.number}`, { destination: destination.id, folder: folderKey(doc.folder) });
      }
    } catch (error) {
      // A ledger that cannot write (a full or read-only data dir) fails every document after this one the same way:
      // the run stops with advice instead of logging each. An upload it could not record is adopted next run.
      if (isLedgerFailure(error)) throw error;
      c.tally.failed[doc.kind]++;
      // A full, refused or signed-out destination gets nothing more this run; the others carry on.
      if (error instanceof DestinationFullError || error instanceof UnauthorisedError) {
        c.tally.stoppedDestinations.set(destination.id, error);
        c.logger.error(`${destination.id}: ${error.message}`);
      } else {
        c.logger.error(`could not store ${doc.kind} ${doc.number} at ${destination.id} ${folderKey(doc.folder)}: ${errorMessage(error)}`);
      }
    }
  }
}

/** One document to deliver, and how to produce its body if some destination needs it. */
export interface Delivery {
  doc: DocumentVersion;
  produce: () => Promise<Body>;
  /** BaseLinker requests producing the body costs (an official PDF, a receipt's details), for the dry run's estimate. */
  sourceRequests?: number;
}

/**
 * Documents delivered at once: enough that the render threads always have the next document while another is
 * being stored, and few enough that only a handful of PDFs are ever in memory, however long the scan.
 */
export const DELIVERIES_IN_FLIGHT = 4;

/**
 * Delivers the documents a scan yields, up to DELIVERIES_IN_FLIGHT at once; `plan` turns each scanned item into a
 * delivery, or null to skip it. The scan waits while all slots are busy, so memory stays flat. Different documents
 * may be stored concurrently: storeVersion chooses and reserves a name with no wait in between, so two documents
 * never take the same one, and each document is delivered by one task only. An error that escapes a delivery (the
 * ledger failing; a destination's own failures are counted inside deliver) stops the scan; deliveries already
 * started finish first, so nothing runs on after the step has returned.
 */
export async function deliverEach<T>(c: DeliveryContext, items: AsyncIterable<T>, plan: (item: T) => Delivery | null): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  // Typed by assertion: a plain `= null` would let TypeScript narrow it to null, blind to the callback's write.
  let fatal = null as { error: unknown } | null;
  try {
    for await (const item of items) {
      if (fatal) break;
      const delivery = plan(item);
      if (!delivery) continue;
      while (inFlight.size >= DELIVERIES_IN_FLIGHT) await Promise.race(inFlight);
      if (fatal) break;
      const task: Promise<void> = deliver(c, delivery.doc, delivery.produce, delivery.sourceRequests)
        .catch((error: unknown) => void (fatal ??= { error }))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  } finally {
    await Promise.all(inFlight);
  }
  if (fatal) throw fatal.error;
}
