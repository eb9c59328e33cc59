// Promise 2 when the network misbehaves, and promise 3's "no retry loop is unbounded": BaseLinker (the emulator)
// answers with 5xx, HTML error pages, cut connections, truncated JSON, answers slower than the client's timeout,
// and ERROR_BLOCKED_TOKEN. The run finishes, or fails with one clear line and the next run finishes, and either way
// the destination ends up exactly as after a clean run.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import type { Fault } from '../../tools/emulators/baselinker/faults.js';
import { SourceError } from '../../src/lib/errors.js';
import { silentLogger } from '../../src/lib/logger.js';
import { BaseLinkerTransport } from '../../src/sources/baselinker/transport.js';
import { fakeClock } from '../helpers/fakeClock.js';
import type { Reference } from './checks.js';
import { HARNESS_DESTINATIONS } from './destinations.js';
import { bump, publishTally } from './tally.js';
import { cleanRun, exactlyOnceProblems, openWorld } from './world.js';

const newTally = (destination: string) => ({ destination, faultsInjected: 0, faultsMet: {} as Record<string, number>, runs: 0, duplicatesFound: 0, documentsLost: 0 });
let tally = newTally('');

for (const harness of HARNESS_DESTINATIONS) {
  describe(`BaseLinker faults, ${harness.label} destination`, () => {
    let reference: Reference;
    beforeAll(async () => {
      tally = newTally(harness.label);
      reference = await cleanRun(harness);
    });
    afterAll(() => publishTally(`faults-${harness.label}`, tally));

    // Side by side: they spend their time waiting out backoffs and blocks.
    it.concurrent('a night of transient faults: every one is retried, and the run stores exactly what a clean run stores', async ({ expect }) => {
      // One fault per list method (a retry waits 2–4 s, so they are not stacked on one request).
      const faults: Fault[] = [
        { kind: 'http500', method: 'getOrderStatusList', httpStatus: 503 },
        { kind: 'reset', method: 'getOrders' },
        { kind: 'html', method: 'getInvoices' },
        { kind: 'delay', method: 'getReceipts', delayMs: 2500 },
      ];
      const world = await openWorld(harness, { env: { BASELINKER_TIMEOUT_SECONDS: '1' } });
      try {
        for (const fault of faults) world.emulator.injectFault(fault);
        const result = await world.run();
        expect(result.code, result.stderr).toBe(0);
        const met = world.emulator.requests.filter((r) => r.fault).map((r) => `${r.method} ${r.fault}`);
        // In the run's order: invoices, then orders, then receipts.
        expect(met).toEqual(['getInvoices html', 'getOrderStatusList http500', 'getOrders reset', 'getReceipts delay']);
        expect(result.stderr).toMatch(/request timed out; retry 1/);
        expect(result.stderr).toMatch(/an HTML page instead of JSON; retry 1/);
        count(expect, faults, met, await exactlyOnceProblems(world, reference));
      } finally {
        await world.close();
      }
    }, 90_000);

    it.concurrent('truncated JSON and a sudden ERROR_BLOCKED_TOKEN: waited out, and the run stores exactly what a clean run stores', async ({ expect }) => {
      const faults: Fault[] = [
        { kind: 'badJson', method: 'getOrders' },
        { kind: 'blocked', method: 'getInvoices', delayMs: 1000 },
      ];
      const world = await openWorld(harness);
      try {
        for (const fault of faults) world.emulator.injectFault(fault);
        const result = await world.run();
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/BaseLinker token blocked by its rate limit; waiting \d+ s before continuing/);
        const met = world.emulator.requests.filter((r) => r.fault).map((r) => `${r.method} ${r.fault}`);
        expect(met).toEqual(['getInvoices blocked', 'getOrders badJson']);
        count(expect, faults, met, await exactlyOnceProblems(world, reference));
      } finally {
        await world.close();
      }
    }, 90_000);

    it.concurrent('a token that stays blocked: the run gives up with one clear line, and the next run finishes exactly once', async ({ expect }) => {
      const faults: Fault[] = [{ kind: 'blocked', method: 'getReceipts', delayMs: 500, times: 4 }];
      const world = await openWorld(harness);
      try {
        for (const fault of faults) world.emulator.injectFault(fault);
        const failed = await world.run();
        expect(failed.code).toBe(1);
        expect(failed.stderr).toMatch(/BaseLinker keeps blocking the token: another integration may be using the whole rate limit/);
        expect(failed.stderr).not.toMatch(/\n\s+at /);
        // What it stored before giving up is recorded; the rest comes with the next run.
        expect(world.rows().filter((r) => r.kind === 'invoices' && r.status === 'stored')).toHaveLength([...reference.documents.keys()].filter((f) => f.includes('/Invoices/')).length);
        const next = await world.run();
        expect(next.code, next.stderr).toBe(0);
        const met = world.emulator.requests.filter((r) => r.fault).map((r) => `${r.method} ${r.fault}`);
        expect(met).toEqual(Array(4).fill('getReceipts blocked'));
        count(expect, faults, met, await exactlyOnceProblems(world, reference));
      } finally {
        await world.close();
      }
    }, 90_000);
  });
}

function count(expect: ExpectStatic, faults: Fault[], met: string[], problems: string[]) {
  tally.runs++;
  tally.faultsInjected += faults.reduce((n, f) => n + (f.times ?? 1), 0);
  for (const m of met) bump(tally.faultsMet, m.split(' ')[1]!);
  tally.duplicatesFound += problems.filter((p) => /second copy|ledger rows/.test(p)).length;
  tally.documentsLost += problems.filter((p) => /not stored|other bytes/.test(p)).length;
  expect(problems).toEqual([]);
}

describe('every BaseLinker call is bounded in time and in retries', () => {
  // A server that sends the headers and half a body, then nothing: only a timeout that covers the body ends it.
  let server: http.Server;
  let url: string;
  let requests = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 1000 });
      res.write('{"status":"SUCC');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/connector.php`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a body that stalls half-way times out, is retried a bounded number of times, then fails clearly', async () => {
    const api = new BaseLinkerTransport({ apiUrl: url, token: 'stall-token-1234', requestsPerMinute: 0, timeoutMs: 300, clock: fakeClock(), logger: silentLogger, attempts: 3 });
    const started = Date.now();
    const error = await api.call('getOrderStatusList', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(`BaseLinker getOrderStatusList kept failing at ${url} (BASELINKER_API_URL): request timed out (3 attempts)`);
    expect(requests).toBe(3);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
