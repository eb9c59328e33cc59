// BaseLinker's limit as reported by users: at most N requests in any rolling minute per token; the request
// that exceeds it blocks the token for minutes, and every request during the block is refused too (and does
// not count). There is no 429 and no Retry-After: the only hint is the time in the error message, which is
// Warsaw wall-clock time.

import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

export interface RateLimitOptions {
  requestsPerMinute: number;
  blockSeconds: number;
  /** >1 shrinks the minute and the block in real time, so a benchmark can run "100/min" faster. */
  timeScale: number;
  now: () => number;
}

export type Admission = { admitted: true } | { admitted: false; message: string };

export interface RateLimiter {
  admit(token: string): Admission;
  /** Blocks a token until `untilMs`, as a sudden block by the real API would (fault injection). */
  block(token: string, untilMs: number): Admission;
}

export function createRateLimiter(o: RateLimitOptions): RateLimiter {
  const windowMs = 60_000 / o.timeScale;
  const blockMs = (o.blockSeconds * 1000) / o.timeScale;
  const recent = new Map<string, number[]>();
  const blockedUntil = new Map<string, number>();

  function block(token: string, untilMs: number): Admission {
    // Whole seconds, so the block ends exactly at the time the message names and a client that waits until
    // then is let in.
    const until = Math.ceil(untilMs / 1000) * 1000;
    blockedUntil.set(token, until);
    return refusal(until);
  }

  return {
    block,
    admit(token) {
      const now = o.now();
      const until = blockedUntil.get(token);
      if (until !== undefined && now < until) return refusal(until);
      const stamps = (recent.get(token) ?? []).filter((t) => t > now - windowMs);
      if (stamps.length >= o.requestsPerMinute) {
        recent.set(token, []);
        return block(token, now + blockMs);
      }
      stamps.push(now);
      recent.set(token, stamps);
      return { admitted: true };
    },
  };
}

function refusal(untilMs: number): Admission {
  const local = format(new TZDate(untilMs, 'Europe/Warsaw'), 'yyyy-MM-dd HH:mm:ss');
  return { admitted: false, message: `Query limit exceeded, token blocked until ${local}` };
}
