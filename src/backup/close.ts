// The end of a run or a repair at destinations that keep identities for later (OneDrive and Dropbox write their
// last inventory in close()): once a destination has closed, the ledger knows the identities of what was stored
// there by this run. One that stopped (full, signed out) is not closed; one whose close() fails keeps them unmarked:
// the next run hands them over again (keepIdentities), so the copies are stored and recorded all the same. A close
// refused for good (the destination is full, the sign-in revoked) stops that destination like any refusal.
import type { Destination } from '../destinations/destination.js';
import { isLedgerFailure, type Ledger } from '../ledger/ledger.js';
import { BackupError, errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

export async function closeDestinations(
  c: { ledger: Ledger; logger: Logger },
  destinations: readonly Destination[],
  runId: number,
  stopped: Map<string, BackupError>,
): Promise<void> {
  for (const destination of destinations) {
    if (!destination.close || stopped.has(destination.id)) continue;
    try {
      await destination.close();
    } catch (error) {
      if (isLedgerFailure(error)) throw error;
      if (error instanceof BackupError) {
        stopped.set(destination.id, error);
        c.logger.error(`${destination.id}: ${error.message}`);
      } else {
        c.logger.warn(`${destination.id}: could not record which documents this run stored there (${errorMessage(error)}); the next run records them`);
      }
      continue;
    }
    c.ledger.markIdentityKept(c.ledger.withoutIdentity(destination.id).filter((r) => r.run_id === runId).map((r) => r.id));
  }
}
