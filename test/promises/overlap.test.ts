// One run at a time: a second run exits 4 and names the first; a lock left by a run that was SIGKILLed is taken
// over at once (the operating system released it when the process died). `backup schedule` never overlapping its
// own runs is test/schedule/nightly.test.ts; it uses this same lock against manual runs.
import { beforeAll, describe, it } from 'vitest';
import type { Reference } from './checks.js';
import { lanes, waitFor } from './cliProcess.js';
import { localDestination } from './destinations.js';
import { cleanRun, exactlyOnceProblems, methodArrived, openWorld, type World } from './world.js';

// These attack the program's ledger, CLI and data dir; the local folder is the destination they need (plant, tamper).
const harness = localDestination;
// Each test is its own world: two at a time, one per core.
const lane = lanes(2);
let reference: Reference;
beforeAll(async () => {
  reference = await cleanRun(harness);
});


describe('overlapping runs', () => {
  it.concurrent('a run while another is going exits 4, names it, and changes nothing; the first completes', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      // Long enough for the second CLI to start and stop even on a loaded machine (2.5 s was not, under the whole suite).
      world.emulator.injectFault({ kind: 'delay', method: 'getInvoices', delayMs: 8000 });
      const first = world.start();
      expect(await waitFor(methodArrived(world, 'getInvoices'), first)).toBe(true);
      const filesBefore = await world.destination.files();

      const second = await world.run();
      expect(second.code).toBe(4);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toMatch(new RegExp(`another backup is running \\(pid ${first.child.pid}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d`));
      expect(await world.destination.files()).toEqual(filesBefore);

      expect((await first.result).code).toBe(0);
      expect(world.runs()).toHaveLength(1);
      expect(await exactlyOnceProblems(world, reference)).toEqual([]);
    } finally {
      await world.close();
    }
  }));

  it.concurrent('two runs started at the same instant: one proceeds, the other exits 4', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      const results = await Promise.all([world.start().result, world.start().result]);
      expect(results.map((r) => r.code).sort()).toEqual([0, 4]);
      expect(results.find((r) => r.code === 4)!.stderr).toMatch(/another backup is running \(pid \d+, since /);
      expect(world.runs()).toHaveLength(1);
      expect(await exactlyOnceProblems(world, reference)).toEqual([]);
    } finally {
      await world.close();
    }
  }));

  it.concurrent('the lock of a SIGKILLed run is taken over at once; its run shows as interrupted', ({ expect }) => lane(async () => {
    const world = await openWorld(harness);
    try {
      world.emulator.injectFault({ kind: 'delay', method: 'getInvoices', delayMs: 30_000 });
      const killed = world.start();
      expect(await waitFor(methodArrived(world, 'getInvoices'), killed)).toBe(true);
      expect((await killed.kill()).signal).toBe('SIGKILL');

      // The next run takes the lock at once (it does not wait for anything to expire), and a run that meets it
      // names it, not the killed run whose holder file it replaced.
      world.emulator.injectFault({ kind: 'delay', method: 'getInvoices', delayMs: 1500 });
      const started = Date.now();
      const running = world.start();
      expect(await waitFor(() => world.emulator.requests.filter((r) => r.method === 'getInvoices').length === 2, running)).toBe(true);
      const refused = await world.run();
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain(`another backup is running (pid ${running.child.pid}, since `);
      const next = await running.result;
      expect(next.code, next.stderr).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(world.runs().map((r) => [r.pid, r.outcome])).toEqual([
        [killed.child.pid, 'interrupted'],
        [expect.any(Number), 'ok'],
      ]);
      const status = await world.cli(['status']);
      expect(status.stdout).toMatch(/#1 .*: interrupted/);
      expect(await exactlyOnceProblems(world, reference)).toEqual([]);
    } finally {
      await world.close();
    }
  }));
});
