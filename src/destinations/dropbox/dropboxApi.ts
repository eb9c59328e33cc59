import { withVerdicts } from '../../lib/backoff.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { DropboxAuthError, DropboxHttpError, DropboxRateLimitError, DropboxRouteError, judge } from './errors.js';
import { DEFAULT_API_URL, withSlash, type AccessTokens } from './tokens.js';

export const DEFAULT_CONTENT_URL = 'https://content.dropboxapi.com/';

export interface DropboxApiOptions {
  tokens: AccessTokens;
  /** api.dropboxapi.com: RPC routes. */
  apiUrl?: string;
  /** content.dropboxapi.com: upload routes. */
  contentUrl?: string;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
  /** Tries per call, the first included. */
  attempts?: number;
}

/**
 * One call. `arg` is asked for again on every attempt, so that an attempt can say something of its own (an upload
 * stamps each attempt with its own client_modified, to tell afterwards whose write took effect).
 */
export interface CallSpec {
  route: string;
  /**
   * rpc: JSON body, on the API host. upload: argument in Dropbox-API-Arg, bytes in the body, on the content host.
   * download: argument in Dropbox-API-Arg, on the content host; the bytes come back, the result in Dropbox-API-Result.
   */
  style: 'rpc' | 'upload' | 'download';
  arg: (attempt: number) => unknown;
  body?: Uint8Array;
}

/**
 * The one door to Dropbox. Every call goes through it: the right host, the argument as Dropbox wants it (header-safe
 * JSON in Dropbox-API-Arg), a bearer token (renewed once if Dropbox says it expired), a timeout that covers the whole
 * answer, and a bounded retry: a 429 waits exactly what Dropbox names (retry_after or Retry-After), 5xx and network
 * failures back off 1 s, 2 s, 4 s … with jitter. What each failure means is errors.ts's judge().
 */
export class DropboxApi {
  /** HTTP requests made to the API and content hosts (token renewals are counted by the token source). */
  requests = 0;
  private readonly apiUrl: string;
  private readonly contentUrl: string;

  constructor(private readonly o: DropboxApiOptions) {
    this.apiUrl = withSlash(o.apiUrl ?? DEFAULT_API_URL);
    this.contentUrl = withSlash(o.contentUrl ?? DEFAULT_CONTENT_URL);
  }

  /** The clock its waits run on, which the uploads' stamps and batch timing share. */
  get clock(): Clock {
    return this.o.clock;
  }

  /** An RPC route; `arg` undefined for routes that take none. */
  rpc(route: string, arg?: unknown): Promise<unknown> {
    return this.call({ route, style: 'rpc', arg: () => arg });
  }

  upload(route: string, arg: unknown, body: Uint8Array): Promise<unknown> {
    return this.call({ route, style: 'upload', arg: () => arg, body });
  }

  /** A download route: its result and the bytes. */
  async download(route: string, arg: unknown): Promise<{ result: unknown; bytes: Buffer }> {
    return (await this.call({ route, style: 'download', arg: () => arg })) as { result: unknown; bytes: Buffer };
  }

  call(spec: CallSpec): Promise<unknown> {
    let renewed = false;
    return withVerdicts(
      async (attempt) => {
        try {
          return await this.send(spec, await this.o.tokens.accessToken(), attempt);
        } catch (error) {
          if (!(error instanceof DropboxAuthError) || error.tag !== 'expired_access_token' || renewed) throw error;
          renewed = true;
          return await this.send(spec, await this.o.tokens.refresh(), attempt);
        }
      },
      {
        attempts: this.o.attempts ?? 8,
        baseMs: 1000,
        // A wait Dropbox names is kept as it is, up to a quarter of an hour; the backoff of 8 attempts stays far below.
        maxMs: 15 * 60_000,
        clock: this.o.clock,
        judge,
        exhausted: (error) => new Error(`Dropbox ${spec.route} kept failing: ${describe(error, spec.route)}${this.unreached(error, spec)}`),
        onRetry: (error, attempt, delayMs) => {
          this.o.logger.warn(`Dropbox ${spec.route}: ${describe(error, spec.route)}; retry ${attempt} in ${Math.ceil(delayMs / 1000)} s`);
        },
      },
    );
  }

  /** For a failure that never got an answer from Dropbox: the address tried and the variable that sets it. */
  private unreached(error: unknown, spec: CallSpec): string {
    const answered = [DropboxRouteError, DropboxRateLimitError, DropboxAuthError, DropboxHttpError].some((kind) => error instanceof kind);
    if (answered) return '';
    return spec.style === 'rpc' ? ` at ${this.apiUrl} (DROPBOX_API_URL)` : ` at ${this.contentUrl} (DROPBOX_CONTENT_URL)`;
  }

  private async send(spec: CallSpec, token: string, attempt: number): Promise<unknown> {
    const arg = spec.arg(attempt);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let body: Uint8Array | string | undefined;
    if (spec.style === 'upload') {
      headers['content-type'] = 'application/octet-stream';
      headers['dropbox-api-arg'] = headerSafeJson(arg);
      body = spec.body ?? new Uint8Array(0);
    } else if (spec.style === 'download') {
      headers['dropbox-api-arg'] = headerSafeJson(arg);
    } else if (arg !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(arg);
    }
    const url = `${spec.style === 'rpc' ? this.apiUrl : this.contentUrl}2/${spec.route}`;
    this.requests++;
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.o.timeoutMs ?? 120_000) });
    if (res.ok && spec.style === 'download') return downloaded(spec.route, res);
    const text = await res.text();
    if (res.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new DropboxHttpError(spec.route, 200, 'the answer is not JSON');
      }
    }
    throw failure(spec.route, res, text);
  }
}

/** A download's bytes, and its result from the header (a 200 without one is a cut or foreign answer: passing). */
async function downloaded(route: string, res: Response): Promise<{ result: unknown; bytes: Buffer }> {
  const bytes = Buffer.from(await res.arrayBuffer());
  const result = parseJson(res.headers.get('dropbox-api-result') ?? '');
  if (!result) throw new DropboxHttpError(route, 200, 'no Dropbox-API-Result header');
  return { result, bytes };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterHeader(res: Response): number | undefined {
  const v = res.headers.get('retry-after');
  return v !== null && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
}

/** What a non-2xx answer means, by status: the body is JSON for 401, 409 and 429, plain text otherwise. */
function failure(route: string, res: Response, text: string): Error {
  const json = parseJson(text);
  const error = json?.['error'];
  if (res.status === 401 && typeof error === 'object' && error !== null) {
    const e = error as Record<string, unknown>;
    return new DropboxAuthError(route, String(e['.tag'] ?? 'unknown'), typeof e['required_scope'] === 'string' ? e['required_scope'] : undefined);
  }
  if (res.status === 429) {
    const limit = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
    const reason = (limit['reason'] as { '.tag'?: unknown } | undefined)?.['.tag'];
    const seconds = typeof limit['retry_after'] === 'number' ? limit['retry_after'] : retryAfterHeader(res);
    return new DropboxRateLimitError(route, typeof reason === 'string' ? reason : 'too_many_requests', seconds);
  }
  if ((res.status === 409 || res.status === 403 || res.status === 404) && error !== undefined) return new DropboxRouteError(route, res.status, error);
  return new DropboxHttpError(route, res.status, text, retryAfterHeader(res));
}

/**
 * JSON that may travel in an HTTP header: Dropbox wants U+007F and everything above as \uXXXX escapes
 * (developers/reference/json-encoding). UTF-16 units are escaped one by one, so astral characters become pairs.
 */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What went wrong, for a line that names the route already: without the route a second time. */
export function describe(error: unknown, route?: string): string {
  if (error instanceof Error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    const message = route && error.message.startsWith(`Dropbox ${route}: `) ? error.message.slice(`Dropbox ${route}: `.length) : error.message;
    return code ? `${message} (${code})` : message;
  }
  return String(error);
}
