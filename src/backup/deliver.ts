import { errorMessage, DestinationFullError, UnauthorisedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Body, Destination } from '../destinations/destination.js';
import { candidateNames, folderKey } from './naming.js';
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
 * Sends one document version to every destination that does not have it yet. The body is produced at most once,
 * and only if some destination needs it. A failure at one destination is counted and does not stop the others.
 */
export async function deliver(c: DeliveryContext, doc: DocumentVersion, produce: () => Promise<Body>): Promise<void> {
  let body: Promise<Body> | null = null;
  const once = () => (body ??= produce());
  for (const destination of c.destinations) {
    if (!needsStoring(c.ledger, destination, doc)) continue;
    const where = `${destination.id} ${folderKey(doc.folder)}`;
    if (c.dryRun) {
      c.tally.planned.push({ destination: destination.id, path: `${folderKey(doc.folder)}/${plannedName(c.ledger, destination, doc).name}` });
      continue;
    }
    if (c.tally.stoppedDestinations.has(destination.id)) {
      c.tally.failed[doc.kind]++;
      continue;
    }
    try {
      const outcome = await storeVersion(c.ledger, destination, doc, once, c.runId);
      if (outcome === 'stored') {
        c.tally.stored[doc.kind]++;
        c.logger.info(`stored ${doc.kind} ${doc.number}`, { destination: destination.id, folder: folderKey(doc.folder) });
      }
    } catch (error) {
      c.tally.failed[doc.kind]++;
      // A full, refused or signed-out destination gets nothing more this run; the others carry on.
      if (error instanceof DestinationFullError || error instanceof UnauthorisedError) {
        c.tally.stoppedDestinations.set(destination.id, error);
        c.logger.error(`${destination.id}: ${error.message}`);
      } else {
        c.logger.error(`could not store ${doc.kind} ${doc.number} at ${where}: ${errorMessage(error)}`);
      }
    }
  }
}

/** One document to deliver, and how to produce its body if some destination needs it. */
export interface Delivery {
  doc: DocumentVersion;
  produce: () => Promise<Body>;
}

/**
 * Documents delivered at once: enough that the render threads always have the next document while another is
 * being stored, and few enough that only a handful of PDFs are ever in memory, however long the scan.
 */
export const DELIVERIES_IN_FLIGHT = 4;

/**
 * Delivers the documents a scan yields, up to DELIVERIES_IN_FLIGHT at once; `plan` turns each scanned item into a
 * delivery, or null to skip it. The scan waits while all slots are busy, so memory stays flat. Documents run
 * concurrently only when they cannot compete for a name: storeVersion picks a free name, awaits a token and
 * only then reserves the name in the ledger, so two documents starting from the same file name in the same
 * folder (equal numbers) go one after the other. A fatal error (a refused token) stops the scan; deliveries
 * already started finish first, so nothing runs on after the step has returned.
 */
export async function deliverEach<T>(c: DeliveryContext, items: AsyncIterable<T>, plan: (item: T) => Delivery | null): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const namesInUse = new Set<string>();
  // Typed by assertion: a plain `= null` would let TypeScript narrow it to null, blind to the callback's write.
  let fatal = null as { error: unknown } | null;
  try {
    for await (const item of items) {
      if (fatal) break;
      const delivery = plan(item);
      if (!delivery) continue;
      const name = firstName(delivery.doc);
      while (inFlight.size >= DELIVERIES_IN_FLIGHT || namesInUse.has(name)) await Promise.race(inFlight);
      if (fatal) break;
      namesInUse.add(name);
      const task: Promise<void> = deliver(c, delivery.doc, delivery.produce)
        .catch((error: unknown) => void (fatal ??= { error }))
        .finally(() => {
          inFlight.delete(task);
          namesInUse.delete(name);
        });
      inFlight.add(task);
    }
  } finally {
    await Promise.all(inFlight);
  }
  if (fatal) throw fatal.error;
}

function firstName(doc: DocumentVersion): string {
  return `${folderKey(doc.folder)}/${candidateNames(doc.kind, doc.number, doc.sourceId, 1, doc.extension)[0]!}`;
}
