import { backoffDelay, withBackoff } from '../../lib/backoff.js';
import type { Clock } from '../../lib/clock.js';
import { DestinationFullError, errorMessage } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { createPacer, type Pacer } from '../../lib/pacer.js';
import { GraphError, judge, NetworkError } from './errors.js';
import type { AccessTokenSource } from './tokens.js';

export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com/v1.0/';

export interface GraphApiOptions {
  tokens: AccessTokenSource;
  clock: Clock;
  /** Graph's v1.0 root. Default https://graph.microsoft.com/v1.0/. */
  baseUrl?: string;
  logger?: Logger;
  /** Per request. Default 120 s. */
  timeoutMs?: number;
  /** Attempts per request for 5xx, 429/503 and network failures, the first included. Default 6. */
  attempts?: number;
  /** A Retry-After longer than this ends the work instead of a wait. Default 15 minutes. */
  maxRetryAfterMs?: number;
  /** Spaces requests out; 0 (default) leaves them unpaced: Microsoft publishes no limit for personal drives. */
  requestsPerMinute?: number;
  fetch?: typeof fetch;
}

export interface GraphRequest {
  /** What the call does, for messages: "list BaseLinker Backup/2026". Never a URL: upload URLs are credentials. */
  what: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Relative to the base URL ("me/drive/special/approot:/2026:"), or absolute (a nextLink, an upload URL). */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  body?: Uint8Array;
  headers?: Record<string, string>;
  /** False for upload URLs, which are their own credential. Default true. */
  authorized?: boolean;
  /** Error statuses handed back to the caller instead of thrown (404, 409…). */
  accept?: readonly number[];
  /** False when the caller must look before trying again (an upload fragment). Default true. */
  retry?: boolean;
}

export interface GraphResponse {
  status: number;
  /** The JSON body; {} when there is none. */
  json: Record<string, unknown>;
  /** An earlier attempt got no answer, so it may have taken effect before this answer came. */
  afterLostAttempt: boolean;
}

/**
 * The one door to Graph. Every call gets the bearer token (one refresh when Graph answers 401, then no more), a
 * timeout, and a bounded retry of 5xx, 429/503 and network failures: after exactly the wait Retry-After names
 * (seconds or an HTTP date), or else Google-style exponential backoff. A Retry-After also holds back every other
 * call through this door until it has passed. Which failures are retried is errors.ts's judgement.
 */
export class GraphApi {
  /** Requests sent, retries and fragments included. */
  requests = 0;
  readonly baseUrl: string;
  private readonly pacer: Pacer;

  constructor(private readonly o: GraphApiOptions) {
    const base = o.baseUrl ?? DEFAULT_GRAPH_URL;
    this.baseUrl = base.endsWith('/') ? base : `${base}/`;
    this.pacer = createPacer(o.requestsPerMinute ?? 0, o.clock);
  }

  send(req: GraphRequest): Promise<GraphResponse> {
    let lostAttempt = false;
    let fatal: Error | null = null;
    const { clock } = this.o;
    return withBackoff(
      async () => {
        try {
          return { ...(await this.once(req)), afterLostAttempt: lostAttempt };
        } catch (error) {
          if (error instanceof NetworkError) lostAttempt = true;
          throw error;
        }
      },
      {
        attempts: req.retry === false ? 1 : (this.o.attempts ?? 6),
        baseMs: 1000,
        // No cap here: a Retry-After is waited exactly; the backoff below caps itself.
        maxMs: Infinity,
        clock,
        retryDelay: (error, attempt) => {
          const verdict = judge(error);
          if (!verdict.retry) {
            fatal = verdict.error;
            return null;
          }
          if (verdict.afterMs === undefined) return backoffDelay(attempt, { baseMs: 1000, maxMs: 64_000 });
          if (verdict.afterMs > (this.o.maxRetryAfterMs ?? 15 * 60_000)) {
            fatal = new DestinationFullError(`OneDrive asks to wait ${Math.ceil(verdict.afterMs / 60_000)} min before ${req.what} (throttled); the next run stores the rest`);
            return null;
          }
          this.pacer.pauseUntil(clock.now() + verdict.afterMs);
          return verdict.afterMs;
        },
        onRetry: (error, attempt, delayMs) => this.o.logger?.warn(`${errorMessage(error)}; retry ${attempt} in ${Math.ceil(delayMs / 1000)} s`),
      },
    ).catch((error: unknown) => {
      throw fatal ?? error;
    });
  }

  /** Waits on this door's clock: the backoff of a caller that retries by itself. */
  wait(ms: number): Promise<void> {
    return this.o.clock.sleep(ms);
  }

  private async once(req: GraphRequest): Promise<{ status: number; json: Record<string, unknown> }> {
    await this.pacer.take();
    const url = this.url(req);
    for (let refreshed = false; ; refreshed = true) {
      const headers: Record<string, string> = { ...req.headers };
      if (req.authorized !== false) {
        const token = refreshed ? await this.o.tokens.refreshedAccessToken() : await this.o.tokens.accessToken();
        headers['authorization'] = `Bearer ${token}`;
      }
      let body: string | Uint8Array | undefined = req.body;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] = 'application/json';
      }
      this.requests++;
      let response: Response;
      let text: string;
      try {
        response = await (this.o.fetch ?? fetch)(url, { method: req.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.o.timeoutMs ?? 120_000) });
        text = await response.text();
      } catch (error) {
        // An upload session's address is Microsoft's; every other one is under ONEDRIVE_API_ROOT_URL.
        throw new NetworkError(req.what, error, isAbsolute(req.path) ? undefined : `${this.baseUrl} (ONEDRIVE_API_ROOT_URL)`);
      }
      const json = parseJson(text);
      if (response.status === 401 && req.authorized !== false && !refreshed) continue;
      if (response.ok || req.accept?.includes(response.status)) return { status: response.status, json };
      throw graphError(req.what, response, json, this.o.clock.now());
    }
  }

  private url(req: GraphRequest): string {
    const url = new URL(isAbsolute(req.path) ? req.path : `${this.baseUrl}${req.path}`);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    return url.toString();
  }
}

const isAbsolute = (path: string): boolean => /^https?:\/\//.test(path);

function parseJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function graphError(what: string, response: Response, json: Record<string, unknown>, now: number): GraphError {
  const error = (json['error'] ?? {}) as { code?: unknown; message?: unknown; innerError?: unknown };
  const inner: string[] = [];
  for (let e = error.innerError as { code?: unknown; innerError?: unknown } | undefined; e; e = e.innerError as typeof e) {
    if (typeof e.code === 'string') inner.push(e.code);
  }
  return new GraphError(
    what,
    response.status,
    typeof error.code === 'string' ? error.code : undefined,
    inner,
    typeof error.message === 'string' ? error.message : '',
    retryAfterMs(response.headers.get('retry-after'), now),
  );
}

/** Retry-After in seconds or as an HTTP date, as ms from `now`. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
