// The end of a run or a repair at destinations that keep identities for later (OneDrive writes its last inventory
// in close()): once a destination has closed, the ledger knows the identities of what was stored there by this run.
// One that stopped (full, signed out) or cannot write them now keeps them unmarked: the next run hands them over
// again (keepIdentities), so the copies are stored and recorded all the same.
import type { Destination } from '../destinations/destination.js';
import { isLedgerFailure, type Ledger } from '../ledger/ledger.js';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

export async function closeDestinations(
  c: { ledger: Ledger; logger: Logger },
  destinations: readonly Destination[],
  runId: number,
  stopped: ReadonlyMap<string, unknown>,
): Promise<void> {
  for (const destination of destinations) {
    if (!destination.close || stopped.has(destination.id)) continue;
    try {
      await destination.close();
    } catch (error) {
      if (isLedgerFailure(error)) throw error;
      c.logger.warn(`${destination.id}: could not record which documents this run stored there (${errorMessage(error)}); the next run records them`);
      continue;
    }
    c.ledger.markIdentityKept(c.ledger.withoutIdentity(destination.id).filter((r) => r.run_id === runId).map((r) => r.id));
  }
}
