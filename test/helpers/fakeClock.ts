import type { Clock } from '../../src/lib/clock.js';

/** A clock whose sleeps return at once and move its time forward: tests see every wait without waiting. */
export function fakeClock(startMs = Date.UTC(2026, 10, 21, 1, 0, 0)): Clock & { slept: number[] } {
  let now = startMs;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += Math.max(0, ms);
    },
  };
}
