// Time is passed in, so tests can control it and pacing can be measured without waiting.
import { UsageError } from './errors.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits `ms`; an abort of `signal` ends the wait at once, rejecting with the signal's reason. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      // The timer is cleared on an abort: a pending 15-minute wait must not keep an interrupted process alive.
      const stop = () => {
        clearTimeout(timer);
        reject(signal!.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', stop);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', stop, { once: true });
    }),
};

/** The same clock, every wait of which ends when `signal` is aborted (a run being interrupted). */
export function interruptibleClock(base: Clock, signal: AbortSignal): Clock {
  return { now: () => base.now(), sleep: (ms) => base.sleep(ms, signal) };
}

/**
 * Benchmarks only, never a user setting: `BACKUP_TIME_SCALE=<factor>[@<origin, epoch ms>]` runs a command on a
 * clock `factor` times faster than the real one, so `npm run bench` can show an hour of pacing (BaseLinker's
 * requests per minute, Drive's writes per second) in a few minutes. The emulators then run on the same compressed
 * clock from the same origin, which keeps every comparison of a time the server named (a blocked token's "until")
 * with now() correct. Without an origin the clock starts at the moment it is made.
 */
export const TIME_SCALE_ENV = 'BACKUP_TIME_SCALE';

/** now() runs `scale` times faster than `base` from `originMs` on; sleep(ms) waits ms / scale of `base`'s time. */
export function scaledClock(scale: number, originMs: number, base: Clock = systemClock): Clock {
  return {
    now: () => originMs + (base.now() - originMs) * scale,
    sleep: (ms, signal) => base.sleep(ms / scale, signal),
  };
}

/** The clock a command runs on: the system clock, unless a benchmark compresses time (BACKUP_TIME_SCALE). */
export function processClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const spec = env[TIME_SCALE_ENV];
  if (spec === undefined || spec === '') return systemClock;
  const m = /^(\d+(?:\.\d+)?)(?:@(\d+))?$/.exec(spec.trim());
  const scale = m ? Number(m[1]) : NaN;
  if (!m || !(scale >= 1 && scale <= 10_000)) {
    throw new UsageError(`${TIME_SCALE_ENV} (benchmarks only) must be <factor 1–10000>[@<origin epoch ms>], got ${JSON.stringify(spec)}`);
  }
  return scaledClock(scale, m[2] === undefined ? Date.now() : Number(m[2]));
}
