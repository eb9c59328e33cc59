import { BackupError, errorMessage, DestinationFullError, InterruptedError, UnauthorisedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { isLedgerFailure } from '../ledger/ledger.js';
import type { Body, Destination, StoredKind } from '../destinations/destination.js';
import { folderKey } from './naming.js';
import { reserveStep } from './plan.js';
import { needsStoring, storeVersion, type DocumentVersion, type StoreContext } from './store.js';
import type { Tally } from './tally.js';

export interface DeliveryContext extends StoreContext {
  destinations: readonly Destination[];
  logger: Logger;
  tally: Tally;
  executor: Executor;
  /** Aborted when the run is interrupted: no document starts after it (those under way finish and are recorded). */
  stop?: AbortSignal;
}

/** Carries out the plan for one document at the destinations that still need it. */
export interface Executor {
  execute(c: DeliveryContext, doc: DocumentVersion, needing: readonly Destination[], produce: () => Promise<Body>, sourceRequests: number): Promise<void>;
  /** Hands a destination the identities of copies stored without one (by an older version), so a lost ledger adopts them too. */
  keepIdentities(c: DeliveryContext, destination: Destination): Promise<void>;
}

/**
 * The real run: the body is produced once, and only if some destination needs it; each destination gets it stored
 * exactly once. A failure at one destination is counted and does not stop the others; a refusal by the source
 * while producing the body (BaseLinker's token, a malformed answer) stops the run.
 */
export const storingExecutor: Executor = {
  async execute(c, doc, needing, produce) {
    let body: Body;
    try {
      body = await produce();
    } catch (error) {
      if (error instanceof BackupError) throw error;
      countFailed(c, doc, needing.length);
      c.logger.error(`could not render ${doc.kind} ${doc.number}: ${errorMessage(error)}`);
      return;
    }
    for (const destination of needing) {
      try {
        const outcome = await storeVersion(c, destination, doc, async () => body);
        if (outcome === 'stored') {
          if (doc.kind !== 'fact') c.tally.stored[doc.kind]++;
          c.tally.storedPaths.push({ destination: destination.id, path: `${folderKey(doc.folder)}/${c.ledger.findByHash(destination.id, doc.kind, doc.sourceId, doc.hash)!.name}` });
          // Debug, not info: the ledger records every stored file; a first backfill should not mail 5 000 lines.
          c.logger.debug(`stored ${doc.kind} ${doc.number}`, { destination: destination.id, folder: folderKey(doc.folder) });
        }
      } catch (error) {
        // A ledger that cannot write (a full or read-only data dir) fails every document after this one the same way:
        // the run stops with advice instead of logging each. An upload it could not record is adopted next run.
        if (isLedgerFailure(error) || error instanceof InterruptedError) throw error;
        countFailed(c, doc, 1);
        // A full, refused or signed-out destination gets nothing more this run; the others carry on.
        if (error instanceof DestinationFullError || error instanceof UnauthorisedError) {
          c.tally.stoppedDestinations.set(destination.id, error);
          c.logger.error(`${destination.id}: ${error.message}`);
        } else {
          c.logger.error(`could not store ${doc.kind} ${doc.number} at ${destination.id} ${folderKey(doc.folder)}: ${errorMessage(error)}`);
        }
      }
    }
  },

  async keepIdentities(c, destination) {
    const rows = c.ledger.withoutIdentity(destination.id);
    if (rows.length === 0) return;
    await destination.recordIdentities(
      rows.map((r) => ({
        folder: r.folder.split('/'),
        name: r.name,
        location: r.location ?? '',
        identity: { account: c.account, kind: r.kind as StoredKind, sourceId: r.source_id, version: r.version, hash: r.source_hash, token: r.token, size: r.size ?? 0, sha256: r.sha256 ?? '' },
      })),
    );
    c.ledger.markIdentityKept(rows.map((r) => r.id));
  },
};

/**
 * The dry run: the same plan, reserved in the scratch copy of the ledger the dry run works on (so the next
 * document sees this one's names, exactly as in the real run), recorded, and neither produced nor uploaded.
 */
export const recordingExecutor: Executor = {
  async execute(c, doc, needing, _produce, sourceRequests) {
    for (const destination of needing) {
      const row = reserveStep(c.ledger, destination.id, doc, `dry-run-${c.tally.planned.length + 1}`, c.runId);
      if (row) c.tally.planned.push({ destination: destination.id, path: `${folderKey(doc.folder)}/${row.name}` });
    }
    if (needing.length > 0) c.tally.plannedSourceRequests += sourceRequests;
  },

  async keepIdentities() {
    // Writes to a destination: the real run's business.
  },
};

function countFailed(c: DeliveryContext, doc: DocumentVersion, n: number): void {
  if (doc.kind !== 'fact') c.tally.failed[doc.kind] += n;
}

/** Sends one document version to every destination that does not have it yet, as the executor does it. */
export async function deliver(c: DeliveryContext, doc: DocumentVersion, produce: () => Promise<Body>, sourceRequests = 0): Promise<void> {
  c.stop?.throwIfAborted();
  const needing = c.destinations.filter((destination) => needsStoring(c.ledger, destination.id, doc));
  const open = needing.filter((d) => !c.tally.stoppedDestinations.has(d.id));
  countFailed(c, doc, needing.length - open.length);
  if (open.length > 0) await c.executor.execute(c, doc, open, produce, sourceRequests);
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
 * may be stored concurrently: a name is chosen and reserved with no wait in between, so two documents never take
 * the same one, and each document is delivered by one task only. An error that escapes a delivery (the ledger
 * failing; a destination's own failures are counted inside deliver) stops the scan; deliveries already started
 * finish first, so nothing runs on after the step has returned.
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
