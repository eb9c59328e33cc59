// The benchmark's compressed clock (BACKUP_TIME_SCALE): faster from its origin, shorter sleeps, and refused when
// malformed. Never set outside `npm run bench`.
import { describe, expect, it } from 'vitest';
import { processClock, scaledClock, systemClock } from '../../src/lib/clock.js';
import { UsageError } from '../../src/lib/errors.js';
import { fakeClock } from '../helpers/fakeClock.js';

describe('scaled clock', () => {
  it('runs `scale` times faster from its origin and sleeps 1/scale of the time', async () => {
    const base = fakeClock(1_000_000);
    const clock = scaledClock(10, 1_000_000, base);
    expect(clock.now()).toBe(1_000_000);
    await clock.sleep(60_000);
    expect(base.slept).toEqual([6_000]);
    expect(clock.now()).toBe(1_060_000);
  });

  it('is the system clock unless BACKUP_TIME_SCALE is set, and refuses a malformed one', () => {
    expect(processClock({})).toBe(systemClock);
    expect(processClock({ BACKUP_TIME_SCALE: '' })).toBe(systemClock);
    const origin = Date.now() - 1_000;
    const ahead = processClock({ BACKUP_TIME_SCALE: `5@${origin}` }).now() - origin;
    expect(ahead).toBeGreaterThanOrEqual(5_000);
    for (const bad of ['0', '0.5', 'fast', '5@', '5@later', '-2']) {
      expect(() => processClock({ BACKUP_TIME_SCALE: bad }), bad).toThrow(UsageError);
    }
  });
});
