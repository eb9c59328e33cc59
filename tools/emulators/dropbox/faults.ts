// Injectable faults: what a nightly job meets on the real Dropbox, on demand. Each applies to the next `times`
// requests that match it (by default any /2/ route, never the OAuth endpoints, so that a token refresh does not eat a
// fault meant for an upload). Routes are matched without the /2/ prefix: "files/upload", or a RegExp.
import { ArmedFaults } from '../armedFaults.js';
import { rateLimited, serverError, type DropboxHttpError, type RateLimitReason } from './errors.js';

export type { FaultHandle } from '../armedFaults.js';

export type Host = 'api' | 'content';

export interface RequestInfo {
  host: Host;
  method: string;
  /** "files/upload" for API routes, "/oauth2/token" for the OAuth endpoints. */
  route: string;
}

export type FaultMatch = { route?: string | RegExp; host?: Host } | ((r: RequestInfo) => boolean);

export type FaultSpec =
  /** 500/502/503/504, plain text. */
  | { kind: 'serverError'; status?: 500 | 502 | 503 | 504 }
  /** 429 with the RateLimitError body and Retry-After (default reason too_many_requests, 1 s). */
  | { kind: 'rateLimited'; reason?: RateLimitReason; retryAfterSeconds?: number }
  /** The connection is cut after `afterBytes` bytes of the request body arrived (default 1); nothing is processed. */
  | { kind: 'resetMidUpload'; afterBytes?: number }
  /** The request is processed, then the connection is cut before any answer: the write happened, unseen. */
  | { kind: 'dropResponse' }
  /** The answer comes `ms` later. */
  | { kind: 'delay'; ms: number }
  /** list_folder(/continue) answers at most one entry, with has_more, as Dropbox may ("limit" is approximate). */
  | { kind: 'shortPage' }
  /**
   * upload_session/finish_batch(_v2): the first `entries` entries (default all) fail with
   * too_many_write_operations inside a 200 answer, as a contended namespace makes them; their sessions stay usable.
   */
  | { kind: 'batchEntriesContended'; entries?: number };

export type Fault = FaultSpec & { times?: number; match?: FaultMatch };

function matches(m: FaultMatch | undefined, r: RequestInfo): boolean {
  if (m === undefined) return !r.route.startsWith('/');
  if (typeof m === 'function') return m(r);
  if (m.host !== undefined && m.host !== r.host) return false;
  if (m.route !== undefined && (typeof m.route === 'string' ? m.route !== r.route : !m.route.test(r.route))) return false;
  return true;
}

/** Faults armed for the next matching requests. */
export class FaultQueue extends ArmedFaults<Fault, RequestInfo> {
  constructor() {
    super((fault, request) => matches(fault.match, request));
  }

  /** The first armed fault of one of these kinds that matches (at most one per request and group of kinds). */
  takeKind(request: RequestInfo, kinds: readonly FaultSpec['kind'][]): FaultSpec | undefined {
    return this.take(request, (fault) => kinds.includes(fault.kind));
  }
}

/** The answer a status-type fault gives. */
export function faultError(f: FaultSpec): DropboxHttpError | undefined {
  if (f.kind === 'serverError') return serverError(f.status ?? 500);
  if (f.kind === 'rateLimited') return rateLimited(f.reason ?? 'too_many_requests', f.retryAfterSeconds ?? 1);
  return undefined;
}

/** Kinds the server applies around any request; the others are taken by the handlers they concern. */
export const TRANSPORT_FAULTS: readonly FaultSpec['kind'][] = ['serverError', 'rateLimited', 'resetMidUpload', 'dropResponse', 'delay'];
