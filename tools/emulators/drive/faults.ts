// Injectable faults: the failures a nightly job meets on the real Drive, on demand. Each fault applies to the
// next `times` requests that match it (by default: any Drive API or upload request, not the OAuth endpoints, so
// that a token refresh does not eat a fault meant for a create).
import {
  rateLimitExceeded,
  serverError,
  storageQuotaExceeded,
  userRateLimitExceeded,
  type HttpError,
} from './errors.js';
import { ArmedFaults } from '../armedFaults.js';

export type { FaultHandle } from '../armedFaults.js';

export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  uploadType: string | undefined;
}

export type FaultMatch =
  | { method?: string; path?: string | RegExp; uploadType?: string }
  | ((r: RequestInfo) => boolean);

export type FaultSpec =
  /** 500/502/503/504 with Google's backendError body. */
  | { kind: 'serverError'; status?: 500 | 502 | 503 | 504 }
  /** 429 rateLimitExceeded, with Retry-After when given. */
  | { kind: 'tooManyRequests'; retryAfterSeconds?: number }
  /** 403 rateLimitExceeded (the project-wide limit). */
  | { kind: 'rateLimitExceeded' }
  /** 403 userRateLimitExceeded (the per-user limit, also produced by the write quota). */
  | { kind: 'userRateLimitExceeded' }
  /** 403 storageQuotaExceeded: permanent, the client must stop. */
  | { kind: 'storageQuotaExceeded' }
  /**
   * The connection is cut after `afterBytes` bytes of the request body arrived (default 1). For a resumable
   * chunk, the bytes that arrived are kept in whole 256 KiB units, as the upload server does, and the next status
   * query reports them.
   */
  | { kind: 'resetMidUpload'; afterBytes?: number }
  /** The request is processed, then the connection is cut before any answer: the client cannot know it worked. */
  | { kind: 'dropResponse' }
  /** The answer is delayed by `ms` (then given normally). */
  | { kind: 'delay'; ms: number }
  /** files.list returns a short page (at most 1 item) with a nextPageToken, as Drive may. */
  | { kind: 'shortPage' };

export type Fault = FaultSpec & { times?: number; match?: FaultMatch };

const API_PATH = /^\/(drive|upload)\//;

function matches(m: FaultMatch | undefined, r: RequestInfo): boolean {
  if (m === undefined) return API_PATH.test(r.path);
  if (typeof m === 'function') return m(r);
  if (m.method !== undefined && m.method.toUpperCase() !== r.method) return false;
  if (m.uploadType !== undefined && m.uploadType !== r.uploadType) return false;
  if (m.path !== undefined) {
    if (typeof m.path === 'string' ? m.path !== r.path : !m.path.test(r.path)) return false;
  }
  return true;
}

/** Faults armed for the next matching requests; one per request. */
export class FaultQueue extends ArmedFaults<Fault, RequestInfo> {
  constructor() {
    super((fault, request) => matches(fault.match, request));
  }
}

/** The HTTP error a status-type fault answers with, or undefined for the kinds handled elsewhere. */
export function faultError(f: FaultSpec): HttpError | undefined {
  switch (f.kind) {
    case 'serverError':
      return serverError(f.status ?? 500);
    case 'tooManyRequests':
      return rateLimitExceeded(429, f.retryAfterSeconds);
    case 'rateLimitExceeded':
      return rateLimitExceeded(403);
    case 'userRateLimitExceeded':
      return userRateLimitExceeded();
    case 'storageQuotaExceeded':
      return storageQuotaExceeded();
    default:
      return undefined;
  }
}
