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
  let nextAt = 0;
  return {
    async take() {
      const now = clock.now();
      const startAt = Math.max(now, nextAt);
      nextAt = startAt + intervalMs;
      if (startAt > now) await clock.sleep(startAt - now);
    },
    pauseUntil(untilMs) {
      nextAt = Math.max(nextAt, untilMs);
    },
  };
}
