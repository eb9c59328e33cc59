// Delivering several documents at once: the promises that must survive the concurrency. Every document lands once
// under a name of its own (even two with the same number), no more than a handful are in flight and the scan never
// runs ahead of them, and an error that escapes a delivery stops the step only after the deliveries already started
// have finished.
import { describe, expect, it } from 'vitest';
import { deliverEach, DELIVERIES_IN_FLIGHT, storingExecutor, type DeliveryContext } from '../../src/backup/deliver.js';
import type { DocumentVersion } from '../../src/backup/store.js';
import { Tally } from '../../src/backup/tally.js';
import type { Destination, PutRequest } from '../../src/destinations/destination.js';
import { Ledger } from '../../src/ledger/ledger.js';
import type { Logger } from '../../src/lib/logger.js';

const FOLDER = ['BaseLinker Backup', '2026', '11', 'Invoices'];
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A destination that takes a moment for every call, so deliveries really overlap. */
function slowDestination() {
  const files = new Map<string, Uint8Array>();
  let inFlight = 0;
  let maxInFlight = 0;
  let tokens = 0;
  const destination: Destination = {
    id: 'memory:test',
    async newToken() {
      await tick();
      return `token-${++tokens}`;
    },
    async put(request: PutRequest) {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await tick();
      inFlight--;
      files.set(request.name, request.body as Uint8Array);
      return { location: request.name, size: (request.body as Uint8Array).byteLength, created: true, checksum: null };
    },
    async list() {
      return { files: [], folders: [] };
    },
    async recordIdentities() {},
  };
  return { destination, files, maxInFlight: () => maxInFlight };
}

function context(destination: Destination): DeliveryContext {
  const ledger = Ledger.openInMemory();
  const runId = ledger.startRun({ asOf: '2026-11-20', kinds: ['invoices'], dryRun: false, pid: process.pid });
  const quiet = { error() {}, warn() {}, info() {}, debug() {} } as unknown as Logger;
  return { ledger, account: 'default', destinations: [destination], logger: quiet, tally: new Tally(), runId, executor: storingExecutor };
}

function invoice(id: number, number: string): DocumentVersion {
  return { kind: 'invoices', sourceId: String(id), hash: `h${id}`, number, issuedAt: 0, folder: FOLDER, extension: 'pdf', contentType: 'application/pdf' };
}

async function* scan<T>(items: T[], onYield: (index: number) => void = () => {}): AsyncGenerator<T> {
  for (const [index, item] of items.entries()) {
    onYield(index);
    yield item;
  }
}

describe('deliverEach', () => {
  it('stores every document once, giving two with the same number names of their own', async () => {
    const { destination, files } = slowDestination();
    const c = context(destination);
    const docs = [invoice(1, 'FV/1/11/2026'), invoice(2, 'FV/1/11/2026'), invoice(3, 'FV/2/11/2026'), invoice(4, 'FV/1/11/2026')];
    await deliverEach(c, scan(docs), (doc) => ({ doc, produce: async () => Buffer.from(doc.sourceId) }));

    expect(c.tally.failed.invoices).toBe(0);
    expect(c.tally.stored.invoices).toBe(4);
    expect([...files.keys()].sort()).toEqual(['FV_1_11_2026 (id 2).pdf', 'FV_1_11_2026 (id 4).pdf', 'FV_1_11_2026.pdf', 'FV_2_11_2026.pdf']);
    expect(Buffer.from(files.get('FV_1_11_2026 (id 4).pdf')!).toString()).toBe('4');
  });

  it('keeps at most DELIVERIES_IN_FLIGHT documents in flight, and the scan no further ahead', async () => {
    const { destination, maxInFlight } = slowDestination();
    const c = context(destination);
    const docs = Array.from({ length: 40 }, (_, i) => invoice(i + 1, `FV/${i + 1}/11/2026`));
    let produced = 0;
    let finished = 0;
    let furthestAhead = 0;
    await deliverEach(
      c,
      scan(docs, (index) => (furthestAhead = Math.max(furthestAhead, index - finished))),
      (doc) => ({
        doc,
        produce: async () => {
          produced++;
          await tick();
          finished++;
          return Buffer.from(doc.number);
        },
      }),
    );
    expect(produced).toBe(40);
    expect(maxInFlight()).toBeGreaterThan(1);
    expect(maxInFlight()).toBeLessThanOrEqual(DELIVERIES_IN_FLIGHT);
    expect(furthestAhead).toBeLessThanOrEqual(DELIVERIES_IN_FLIGHT);
  });

  it('stops the scan when the ledger fails, after the deliveries already started have finished', async () => {
    const { destination, files } = slowDestination();
    const c = context(destination);
    const findByHash = c.ledger.findByHash.bind(c.ledger);
    c.ledger.findByHash = (destinationId, kind, sourceId, hash) => {
      if (sourceId === '6') throw new Error('disk I/O error');
      return findByHash(destinationId, kind, sourceId, hash);
    };
    const docs = Array.from({ length: 40 }, (_, i) => invoice(i + 1, `FV/${i + 1}/11/2026`));
    let scanned = 0;
    const step = deliverEach(
      c,
      scan(docs, () => scanned++),
      (doc) => ({ doc, produce: async () => Buffer.from(doc.number) }),
    );
    await expect(step).rejects.toThrow('disk I/O error');
    const storedWhenThrown = files.size;
    expect(storedWhenThrown).toBeGreaterThanOrEqual(5);
    await tick();
    await tick();
    expect(files.size).toBe(storedWhenThrown); // nothing still running after the step returned
    expect(scanned).toBeLessThanOrEqual(6 + DELIVERIES_IN_FLIGHT);
  });
});
