import type { Logger } from './logger.js';

export interface HealthPing {
  start(): Promise<void>;
  /** Success pings the URL itself; any other exit code pings /<code> with the last log lines as the body. */
  finish(exitCode: number, lastLines: readonly string[]): Promise<void>;
}

const TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;

/**
 * Pings in the healthchecks.io convention, so a missed or failed night gets noticed by someone. A ping that fails
 * is logged and forgotten: monitoring must never fail the backup it watches.
 */
export function createHealthPing(url: string | null, logger: Logger): HealthPing {
  if (!url) return { start: async () => undefined, finish: async () => undefined };
  const base = url.replace(/\/+$/, '');
  const send = async (target: string, body?: string) => {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const response = await fetch(target, { method: 'POST', body, signal: AbortSignal.timeout(TIMEOUT_MS) });
        if (response.ok) return;
        if (response.status < 500) break;
      } catch {
        // A network failure: try again shortly, at most ATTEMPTS times.
      }
      if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    logger.warn('the health-check ping could not be delivered; the backup itself is not affected');
  };
  return {
    start: () => send(`${base}/start`),
    finish: (exitCode, lastLines) => send(exitCode === 0 ? base : `${base}/${exitCode}`, lastLines.join('\n').slice(-10_000)),
  };
}
