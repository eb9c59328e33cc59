import { TZDate } from '@date-fns/tz';
import { withBackoff } from '../../lib/backoff.js';
import { interruptibleClock, type Clock } from '../../lib/clock.js';
import { SourceError, UnauthorisedError, errorMessage } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { createPacer, type Pacer } from '../../lib/pacer.js';

export type Params = Record<string, string | number | boolean>;
export type Answer = Record<string, unknown>;

export interface BaseLinkerTransportOptions {
  apiUrl: string;
  token: string;
  /** This program's own budget, below the token's 100/min that the shop's other integrations share. 0 = unpaced. */
  requestsPerMinute: number;
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** The longest we wait out a blocked token before giving up. */
  maxBlockWaitMs?: number;
  /** Attempts per request for transient failures (the first included). */
  attempts?: number;
  /**
   * Aborted when the run is interrupted: the request in flight and any wait (pacing, a retry, a blocked token) end
   * at once with the signal's reason, and no request starts after it.
   */
  stop?: AbortSignal;
}

/**
 * What the backup needs of BaseLinker: one call, and a count of the calls made. The real transport speaks HTTP;
 * the run's own tests answer from an emulated shop in memory.
 */
export interface BaseLinkerApi {
  call(method: string, parameters: Params): Promise<Answer>;
  readonly requestCount: number;
  readonly requestsByMethod: ReadonlyMap<string, number>;
}

/** A failure worth retrying: the network, a proxy, or a server having a bad moment. */
class TransientError extends Error {}
class BlockedTokenError extends Error {
  constructor(readonly untilMs: number | null) {
    super('BaseLinker token blocked');
  }
}

// BaseLinker names no list of codes; these are the ones that mean "this token may not read this account".
const UNAUTHORISED_CODES = new Set(['ERROR_BAD_TOKEN', 'ERROR_USER_ACCOUNT_BLOCKED', 'ERROR_EMPTY_TOKEN', 'ERROR_TOKEN_EXPIRED', 'ERROR_NO_ACCESS']);
// The time in the block message has no zone; BaseLinker runs on Polish time.
const BLOCK_MESSAGE_ZONE = 'Europe/Warsaw';
const MAX_BLOCKS_PER_REQUEST = 3;

/**
 * BaseLinker's wire protocol: one form-encoded POST per call, the token in a header, errors inside HTTP 200.
 * Every request waits for the pacer; transient failures are retried with backoff; a blocked token is waited out.
 */
export class BaseLinkerTransport implements BaseLinkerApi {
  private readonly pacer: Pacer;
  readonly requestsByMethod = new Map<string, number>();

  private readonly clock: Clock;

  constructor(private readonly o: BaseLinkerTransportOptions) {
    this.clock = o.stop ? interruptibleClock(o.clock, o.stop) : o.clock;
    this.pacer = createPacer(o.requestsPerMinute, this.clock);
  }

  get requestCount(): number {
    let n = 0;
    for (const count of this.requestsByMethod.values()) n += count;
    return n;
  }

  async call(method: string, parameters: Params): Promise<Answer> {
    let blocks = 0;
    let transient = 0;
    const attempts = this.o.attempts ?? 6;
    const maxBlockWaitMs = this.o.maxBlockWaitMs ?? 15 * 60_000;
    return withBackoff(() => this.callOnce(method, parameters), {
      attempts: attempts + MAX_BLOCKS_PER_REQUEST,
      baseMs: 2000,
      maxMs: 60_000,
      clock: this.clock,
      retryDelay: (error) => {
        if (error instanceof BlockedTokenError) {
          if (++blocks > MAX_BLOCKS_PER_REQUEST) return null;
          const wait = error.untilMs === null ? maxBlockWaitMs : error.untilMs - this.o.clock.now() + 1000;
          const capped = Math.min(Math.max(wait, 1000), maxBlockWaitMs);
          this.pacer.pauseUntil(this.o.clock.now() + capped);
          this.o.logger.warn(`BaseLinker token blocked by its rate limit; waiting ${Math.ceil(capped / 1000)} s before continuing`);
          return 0;
        }
        if (!(error instanceof TransientError) || ++transient >= attempts) return null;
        return undefined;
      },
      onRetry: (error, attempt, delayMs) => {
        if (error instanceof TransientError) {
          this.o.logger.warn(`BaseLinker ${method}: ${error.message}; retry ${attempt} in ${Math.ceil(delayMs / 1000)} s`);
        }
      },
    }).catch((error: unknown) => {
      if (error instanceof TransientError) throw new SourceError(`BaseLinker ${method} kept failing at ${this.where()}: ${error.message} (${transient} attempts)`, 'TRANSIENT');
      if (error instanceof BlockedTokenError) {
        throw new SourceError('BaseLinker keeps blocking the token: another integration may be using the whole rate limit', 'ERROR_BLOCKED_TOKEN');
      }
      throw error;
    });
  }

  private async callOnce(method: string, parameters: Params): Promise<Answer> {
    this.o.stop?.throwIfAborted();
    await this.pacer.take();
    this.requestsByMethod.set(method, (this.requestsByMethod.get(method) ?? 0) + 1);
    const body = new URLSearchParams({ method, parameters: JSON.stringify(parameters) });
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.o.apiUrl, {
        method: 'POST',
        headers: { 'X-BLToken': this.o.token, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
        signal: this.o.stop ? AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.o.stop]) : AbortSignal.timeout(this.o.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // Abandoning a read is safe: nothing was stored for it yet.
      this.o.stop?.throwIfAborted();
      const failure = networkFailure(error);
      if (failure.permanent) throw new SourceError(`BaseLinker ${method}: ${failure.text} at ${this.where()}; a retry will not help: check the address`, 'NETWORK');
      throw new TransientError(failure.text);
    }
    if (response.status !== 200) {
      const why = permanentHttpStatus(response.status);
      if (why) throw new SourceError(`BaseLinker ${method}: HTTP ${response.status} (${why}) from ${this.where()}; a retry will not help: check the address`, `HTTP_${response.status}`);
      throw new TransientError(`HTTP ${response.status}`);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new TransientError(text.trimStart().startsWith('<') ? 'an HTML page instead of JSON' : 'unparsable JSON');
    }
    if (typeof answer !== 'object' || answer === null) throw new TransientError('an answer that is not a JSON object');
    const a = answer as Answer;
    if (a.status === 'SUCCESS') return a;
    const code = typeof a.error_code === 'string' ? a.error_code : 'UNKNOWN';
    const message = typeof a.error_message === 'string' ? a.error_message : '';
    if (code === 'ERROR_BLOCKED_TOKEN') throw new BlockedTokenError(parseBlockedUntil(message));
    if (UNAUTHORISED_CODES.has(code)) {
      throw new UnauthorisedError(`BaseLinker refused the token (${code}: ${message}); check BASELINKER_TOKEN`);
    }
    throw new SourceError(`BaseLinker ${method} failed: ${code}: ${message}`, code);
  }

  /** The address asked, and where it came from, so that a person can check it. */
  private where(): string {
    return `${this.o.apiUrl} (BASELINKER_API_URL)`;
  }
}

/**
 * An HTTP status that says the address is wrong or this machine is refused, which waiting cannot change, with what it
 * most likely means; null for a status worth retrying. BaseLinker itself answers 200 even for its own errors (a bad
 * token included), so these come from whatever else answers at that address: a mistyped path, a firewall, a proxy.
 * 408, 425 and 429 ask to come back later, and every 5xx is a server having a bad moment.
 */
export function permanentHttpStatus(status: number): string | null {
  if (status < 400 || status >= 500 || [408, 425, 429].includes(status)) return null;
  if (status === 404 || status === 410) return 'no BaseLinker API at this address';
  if (status === 401 || status === 403 || status === 407) return 'this machine is refused there: a firewall or a proxy?';
  return 'the server refuses the request as it is';
}

// Failures of the connection that a retry a minute later cannot mend: a name that does not exist (a name server
// that cannot be reached says EAI_AGAIN, which is retried), a certificate that is not valid for the address, https
// spoken to an http port, a port fetch never connects to. Refused and reset connections and timeouts are what an
// outage looks like, and are retried.
const PERMANENT_NETWORK_CODES = new Set([
  'ENOTFOUND',
  'ERR_INVALID_URL',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** What a failed fetch means: its cause as a person reads it, and whether waiting could change it. */
export function networkFailure(error: unknown): { text: string; permanent: boolean } {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { text: 'request timed out', permanent: false };
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && 'code' in cause ? String((cause as { code: unknown }).code) : null;
  if (code === 'ENOTFOUND') {
    const host = (cause as { hostname?: unknown }).hostname;
    return { text: `the name ${typeof host === 'string' ? `${host} ` : ''}does not resolve (ENOTFOUND)`, permanent: true };
  }
  if (code) return { text: `network error ${code}`, permanent: PERMANENT_NETWORK_CODES.has(code) };
  const message = errorMessage(cause ?? error);
  // fetch refuses some ports outright (the "bad ports" of the Fetch standard), with no code.
  return { text: `network error: ${message}`, permanent: message === 'bad port' };
}

/** "Query limit exceeded, token blocked until 2026-11-21 02:15:00" → epoch ms, or null when there is no time. */
export function parseBlockedUntil(message: string): number | null {
  const m = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(message);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return new TZDate(y, mo - 1, d, h, mi, s, BLOCK_MESSAGE_ZONE).getTime();
}

