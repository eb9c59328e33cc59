import { drive, type drive_v3 } from '@googleapis/drive';
import { withVerdicts } from '../../lib/backoff.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { createPacer, type Pacer } from '../../lib/pacer.js';
import { judge } from './errors.js';
import type { OAuthClient } from './oauth.js';

export interface DriveApiOptions {
  auth: OAuthClient;
  /** Root of every call. Passed per call, because the client sends uploads to Google whatever the service's rootUrl. */
  rootUrl: string;
  /** The Google account's write budget (drivePacer), shared by every destination that writes into the account. */
  writes: Pacer;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
  attempts?: number;
}

/**
 * Writes are paced a little under the configured rate. Google counts a write when it arrives, the pacer when it
 * leaves; uneven delays in between (the event loop, the network, timers firing up to a millisecond early) bunch
 * writes paced exactly at 3 per second into less than a second, and Google refuses the one too many. Paced exactly
 * at the limit, 16% of writes were refused in the end-to-end benchmark (`npm run bench`); 5% under it, none.
 */
export const WRITE_PACE_SHARE = 0.95;

/** The pacer for one Google account's writes: a little under its sustained limit (0: unpaced). */
export function drivePacer(writesPerSecond: number, clock: Clock): Pacer {
  return createPacer(writesPerSecond * 60 * WRITE_PACE_SHARE, clock);
}

/** The per-call options every request carries: our root, our timeout, and none of the client's own retries. */
export interface CallOptions {
  rootUrl: string;
  timeout: number;
  retry: false;
}

/**
 * The one door to Drive. Every call goes through `read` or `write`: the right root URL, a timeout, writes paced to
 * the account's sustained limit, and a bounded retry with Google's backoff (1 s, 2 s, 4 s … plus jitter, honouring
 * Retry-After). The client library's own retries are off: they skip POSTs and 403 rate limits and ignore
 * Retry-After, and two retry loops stacked would multiply.
 */
export class DriveApi {
  readonly files: drive_v3.Resource$Files;
  readonly about: drive_v3.Resource$About;
  readonly options: CallOptions;
  requests = 0;
  private readonly writes: Pacer;

  constructor(private readonly o: DriveApiOptions) {
    const client = drive({ version: 'v3', auth: o.auth });
    this.files = client.files;
    this.about = client.about;
    this.options = { rootUrl: o.rootUrl.endsWith('/') ? o.rootUrl : `${o.rootUrl}/`, timeout: o.timeoutMs ?? 120_000, retry: false };
    this.writes = o.writes;
  }

  get auth(): OAuthClient {
    return this.o.auth;
  }

  read<T>(what: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    return this.withRetry(what, call, false);
  }

  write<T>(what: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    return this.withRetry(what, call, true);
  }

  private withRetry<T>(what: string, call: (options: CallOptions) => Promise<T>, isWrite: boolean): Promise<T> {
    return withVerdicts(
      async () => {
        if (isWrite) await this.writes.take();
        this.requests++;
        return call(this.options);
      },
      {
        attempts: this.o.attempts ?? 8,
        baseMs: 1000,
        maxMs: 64_000,
        clock: this.o.clock,
        judge,
        exhausted: (error) => new Error(`Google Drive ${what} kept failing: ${describe(error)}${answered(error) ? '' : ` at ${this.options.rootUrl} (GOOGLE_API_ROOT_URL)`}`),
        onRetry: (error, attempt, delayMs) => {
          this.o.logger.warn(`Google Drive ${what}: ${describe(error)}; retry ${attempt} in ${Math.ceil(delayMs / 1000)} s`);
        },
      },
    );
  }
}

/** Whether Google answered at all: a failure without an HTTP status never reached it. */
const answered = (error: unknown): boolean => Boolean((error as { response?: { status?: number } })?.response?.status);

export function describe(error: unknown): string {
  const e = error as { response?: { status?: number; data?: { error?: { message?: string } } }; code?: string; message?: string };
  if (e?.response?.status) return `HTTP ${e.response.status}${e.response.data?.error?.message ? ` ${e.response.data.error.message}` : ''}`;
  return e?.code ? `network error ${e.code}` : (e?.message ?? String(error));
}
