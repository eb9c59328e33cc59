import type { Clock } from './clock.js';

/**
 * Spaces calls evenly so that no more than `perMinute` start in any minute, with no bursts: a polite client never
 * spends a shared budget faster than its share. `perMinute` 0 means unpaced.
 */
export interface Pacer {
  /** Resolves when the next call may start. */
  take(): Promise<void>;
  /** Pushes every future call back until `untilMs` (used when the server says we are blocked). */
  pauseUntil(untilMs: number): void;
}

export function createPacer(perMinute: number, clock: Clock): Pacer {
  const intervalMs = perMinute > 0 ? 60_000 / perMinute : 0;
  // Calls are let through one at a time, each at least an interval after the one before actually went, not after
  // the moment it was planned for: a wake-up that comes late (a busy event loop or machine) then pushes the next
  // calls back instead of bunching them up with it, because the server counts calls as they arrive.
  let lastStart = -Infinity;
  let queue: Promise<void> = Promise.resolve();
  return {
    take() {
      const turn = queue.then(async () => {
        // Measured again after each sleep: a pause (a blocked token) set meanwhile must hold this call back too.
        for (let wait; (wait = lastStart + intervalMs - clock.now()) > 0; ) await clock.sleep(wait);
        lastStart = Math.max(clock.now(), lastStart + intervalMs);
      });
      queue = turn;
      return turn;
    },
    pauseUntil(untilMs) {
      lastStart = Math.max(lastStart, untilMs - intervalMs);
    },
  };
}
