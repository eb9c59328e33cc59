import type { DocumentKind } from '../domain/documents.js';
import type { BackupError } from '../lib/errors.js';

export interface StoredPath {
  destination: string;
  /** folder/name at the destination. */
  path: string;
}

/** What a run did, kind by kind: the figures `backup status` shows and the exit code is decided from. */
export class Tally {
  readonly stored: Record<DocumentKind, number> = { orders: 0, invoices: 0, receipts: 0 };
  readonly failed: Record<DocumentKind, number> = { orders: 0, invoices: 0, receipts: 0 };
  /** Every file this run stored (`backup run --json`). */
  readonly storedPaths: StoredPath[] = [];
  /** What a dry run would store. */
  readonly planned: StoredPath[] = [];
  /** Dry run: the per-document BaseLinker requests the real run would add to the list requests already made. */
  plannedSourceRequests = 0;
  /** Names held by files that are not ours, where a document had to go beside them. */
  readonly foreignNames: StoredPath[] = [];
  /** Destinations that refused for good (quota, permissions): nothing more is sent to them in this run. */
  readonly stoppedDestinations = new Map<string, BackupError>();

  get failures(): number {
    return this.failed.orders + this.failed.invoices + this.failed.receipts;
  }

  get storedTotal(): number {
    return this.stored.orders + this.stored.invoices + this.stored.receipts;
  }
}
