// Injectable faults: the failures a nightly job meets on the real OneDrive, on demand. Each fault applies to the
// next `times` requests that match it; by default any Graph call or upload-session request, never the identity
// endpoints, so that a token refresh does not eat a fault meant for an upload.
import { HttpError, insufficientStorage, serverError, throttled } from './errors.js';

export interface RequestInfo {
  method: string;
  /** The URL path as sent (percent-encoded), e.g. "/v1.0/me/drive/root:/a.pdf:/content" or "/up/…". */
  path: string;
  query: URLSearchParams;
}

export type FaultMatch = { method?: string; path?: string | RegExp } | ((r: RequestInfo) => boolean);

export type FaultSpec =
  /** 500/502/503/504 with Graph's bodies (503 without Retry-After). */
  | { kind: 'serverError'; status?: 500 | 502 | 503 | 504 }
  /** 429 activityLimitReached, or 503 serviceNotAvailable, with Retry-After in seconds or as an HTTP date. */
  | { kind: 'throttled'; status?: 429 | 503; retryAfterSeconds?: number; retryAfterAsDate?: boolean }
  /** 507 quotaLimitReached: permanent, the client must stop. */
  | { kind: 'insufficientStorage' }
  /**
   * The connection is cut after `afterBytes` bytes of the request body arrived (default 1). The request is not
   * processed: an upload session ignores every byte of a fragment that did not arrive whole.
   */
  | { kind: 'resetMidUpload'; afterBytes?: number }
  /** The request is processed, then the connection is cut before any answer: the client cannot know it worked. */
  | { kind: 'dropResponse' }
  /** The answer is delayed by `ms` (then given normally). */
  | { kind: 'delay'; ms: number }
  /** A children listing returns at most `size` items (default 1) and a nextLink, as Graph may. */
  | { kind: 'shortPage'; size?: number };

export type Fault = FaultSpec & { times?: number; match?: FaultMatch };

export interface FaultHandle {
  /** How many more matching requests this fault will hit. */
  remaining(): number;
  cancel(): void;
}

const API_PATH = /^\/(v1\.0|up)\//;

function matches(m: FaultMatch | undefined, r: RequestInfo): boolean {
  if (m === undefined) return API_PATH.test(r.path);
  if (typeof m === 'function') return m(r);
  if (m.method !== undefined && m.method.toUpperCase() !== r.method) return false;
  if (m.path === undefined) return true;
  return typeof m.path === 'string' ? m.path === r.path : m.path.test(r.path);
}

export class FaultQueue {
  private readonly armed: { fault: Fault; left: number }[] = [];

  add(fault: Fault): FaultHandle {
    const a = { fault, left: fault.times ?? 1 };
    this.armed.push(a);
    return { remaining: () => a.left, cancel: () => void (a.left = 0) };
  }

  /** Takes the first armed fault of an accepted kind that matches this request (at most one per request). */
  take(r: RequestInfo, accept: (f: FaultSpec) => boolean): FaultSpec | undefined {
    const a = this.armed.find((x) => x.left > 0 && accept(x.fault) && matches(x.fault.match, r));
    if (!a) return undefined;
    a.left--;
    return a.fault;
  }
}

/** The HTTP error a status-type fault answers with, or undefined for the kinds handled elsewhere. */
export function faultError(f: FaultSpec, now: number): HttpError | undefined {
  switch (f.kind) {
    case 'serverError':
      return serverError(f.status ?? 500);
    case 'throttled': {
      const s = f.retryAfterSeconds;
      const retryAfter = s === undefined ? undefined : f.retryAfterAsDate ? new Date(now + s * 1000).toUTCString() : String(s);
      return throttled(f.status ?? 429, retryAfter);
    }
    case 'insufficientStorage':
      return insufficientStorage();
    default:
      return undefined;
  }
}
