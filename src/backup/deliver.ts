import { errorMessage, DestinationFullError, UnauthorisedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Ledger } from '../ledger/ledger.js';
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
      if (error instanceof UnauthorisedError) throw error;
      c.tally.failed[doc.kind]++;
      if (error instanceof DestinationFullError) {
        c.tally.stoppedDestinations.set(destination.id, error.message);
        c.logger.error(`${destination.id} refuses further files: ${error.message}`);
      } else {
        c.logger.error(`could not store ${doc.kind} ${doc.number} at ${where}: ${errorMessage(error)}`);
      }
    }
  }
}
