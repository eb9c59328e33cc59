// Ctrl-C (SIGINT) and a service manager's stop (SIGTERM) during a run: nothing new starts, a BaseLinker request
// in flight is abandoned, documents being stored finish and are recorded, the run is recorded as interrupted, the
// lock is released, and the program exits 130 or 143 with one line. The next run then completes exactly once.
import { beforeAll, describe, it } from 'vitest';
import { logMessages } from '../helpers/cli.js';
import { compareWithLedger, type Reference } from './checks.js';
import { lanes, startCli, waitFor } from './cliProcess.js';
import { localDestination } from './destinations.js';
import { AS_OF, cleanRun, exactlyOnceProblems, methodArrived, openWorld, type World } from './world.js';

const harness = localDestination;
const lane = lanes(2);
let reference: Reference;
beforeAll(async () => {
  reference = await cleanRun(harness);
});

// Far longer than the test waits for the process: it ends only if the request is abandoned.
const STALL_MS = 90_000;
const PATIENCE_MS = 45_000;

describe('an interrupted run', () => {
  const cases = [
    { signal: 'SIGINT', code: 130, method: 'getOrders', during: 'a BaseLinker list request' },
    { signal: 'SIGTERM', code: 143, method: 'getInvoiceFile', during: 'an invoice being produced while others are stored' },
  ] as const;
  for (const { signal, code, method, during } of cases) {
    it.concurrent(`${signal} during ${during}: exit ${code}, one line, recorded as interrupted, lock released; the next run completes`, ({ expect }) =>
    lane(async () => {
      const world = await openWorld(harness);
      try {
        world.emulator.injectFault({ kind: 'delay', method, delayMs: STALL_MS });
        const running = startCli(['run', '--date', AS_OF], world.env, PATIENCE_MS);
        expect(await waitFor(methodArrived(world, method), running)).toBe(true);
        running.child.kill(signal);
        const result = await running.result;

        expect(result.code, result.stderr).toBe(code);
        const lines = logMessages(result.stderr).split('\n');
        const line = `interrupted by ${signal}: stopped before the end; what was stored is recorded, and the next run goes on from here`;
        expect(lines.at(-1)).toBe(line);
        expect(lines.filter((l) => l.includes('interrupted'))).toEqual([line]);
        expect(result.stderr).not.toMatch(/\n\s+at /);

        const [run, ...others] = world.runs();
        expect(others).toEqual([]);
        expect(run).toMatchObject({ outcome: 'interrupted', exit_code: code, message: line });
        expect(run!.finished_at).not.toBeNull();
        // Whatever was stored before the signal is recorded: no file without its ledger row, no row without its file.
        expect(compareWithLedger(await world.destination.files(), world.rows(), { completed: false }).problems).toEqual([]);

        const status = await world.cli(['status']);
        expect(status.stdout).toMatch(new RegExp(`#1 .* as of ${AS_OF}: interrupted \\d+s`));

        // The lock went with the process (a held one would make this exit 4).
        const next = await world.run();
        expect(next.code, next.stderr).toBe(0);
        expect(await exactlyOnceProblems(world, reference)).toEqual([]);
      } finally {
        await world.close();
      }
    }),
    );
  }
});

describe('an interrupted repair', () => {
  it.concurrent('SIGTERM while a missing invoice is made again: exit 143, one line, recorded as interrupted; the next repair completes', ({ expect }) =>
    lane(async () => {
      const world = await openWorld(harness);
      try {
        expect((await world.run()).code).toBe(0);
        const invoices = [...(await world.destination.files()).keys()].filter((p) => p.includes('/Invoices/')).slice(0, 2);
        for (const p of invoices) await world.destination.tamper!(p, 'remove');
        const before = world.emulator.requests.length;
        world.emulator.injectFault({ kind: 'delay', method: 'getInvoiceFile', delayMs: STALL_MS });
        const repairing = startCli(['verify', '--repair'], world.env, PATIENCE_MS);
        expect(await waitFor(() => world.emulator.requests.slice(before).some((r) => r.method === 'getInvoiceFile'), repairing)).toBe(true);
        repairing.child.kill('SIGTERM');
        const result = await repairing.result;

        expect(result.code, result.stderr).toBe(143);
        const line = 'interrupted by SIGTERM: stopped before the end; what was stored is recorded, and the next run goes on from here';
        expect(logMessages(result.stderr).split('\n').at(-1)).toBe(line);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(world.runs().at(-1)).toMatchObject({ outcome: 'interrupted', exit_code: 143, message: line });

        const again = await world.cli(['verify', '--repair']);
        expect(again.code, again.stderr).toBe(0);
        const files = await world.destination.files();
        for (const p of invoices) expect(files.has(p), p).toBe(true);
      } finally {
        await world.close();
      }
    }),
  );
});
