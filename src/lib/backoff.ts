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

/** What a failure means to a retry loop: try again (after the wait it names, or the backoff), or stop with this error. */
export type Verdict = { retry: true; afterMs?: number } | { retry: false; error: Error };

/**
 * withBackoff, where a judge decides each failure: a verdict to stop ends the loop with the judge's error, and
 * running out of attempts ends it with `exhausted(last failure)`.
 */
export function withVerdicts<T>(
  fn: (attempt: number) => Promise<T>,
  o: Omit<BackoffOptions, 'retryDelay'> & { judge(error: unknown): Verdict; exhausted(error: unknown): Error },
): Promise<T> {
  let fatal: Error | null = null;
  return withBackoff(fn, {
    ...o,
    retryDelay: (error) => {
      const verdict = o.judge(error);
      if (verdict.retry) return verdict.afterMs;
      fatal = verdict.error;
      return null;
    },
  }).catch((error: unknown) => {
    throw fatal ?? o.exhausted(error);
  });
}
