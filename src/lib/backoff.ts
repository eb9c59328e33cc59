import type { Clock } from './clock.js';

export interface BackoffOptions {
  /** Total attempts, the first included. Every retry loop in this program is bounded. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  clock: Clock;
  /** Returns the wait the failure asks for (e.g. Retry-After), undefined for the default backoff, or null to give up. */
  retryDelay(error: unknown, attempt: number): number | undefined | null;
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  random?: () => number;
}

/** Truncated exponential backoff with up to one base interval of jitter, as Google recommends. */
export function backoffDelay(attempt: number, o: Pick<BackoffOptions, 'baseMs' | 'maxMs' | 'random'>): number {
  const exponential = Math.min(o.maxMs, o.baseMs * 2 ** (attempt - 1));
  return exponential + Math.floor((o.random ?? Math.random)() * o.baseMs);
}

export async function withBackoff<T>(fn: (attempt: number) => Promise<T>, o: BackoffOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const asked = o.retryDelay(error, attempt);
      if (asked === null || attempt >= o.attempts) throw error;
      const delayMs = Math.min(o.maxMs, asked ?? backoffDelay(attempt, o));
      o.onRetry?.(error, attempt, delayMs);
      await o.clock.sleep(delayMs);
    }
  }
}
