// Which Drive failures to retry, and which stop the work: rclone's lesson that each backend owns this rule.
import type { Verdict } from '../../lib/backoff.js';
import { DestinationFullError, UnauthorisedError } from '../../lib/errors.js';
import { invalidGrant } from './oauth.js';

interface GaxiosLike {
  status?: number;
  code?: string | number;
  name?: string;
  message?: string;
  cause?: { code?: string };
  response?: { status?: number; data?: unknown; headers?: unknown };
}

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded']);
const FULL_REASONS = new Set(['storageQuotaExceeded', 'quotaExceeded', 'teamDriveFileLimitExceeded', 'numChildrenInNonRootLimitExceeded']);
const DAILY_CAP_REASONS = new Set(['dailyLimitExceeded', 'uploadLimitExceeded']);
const PERMISSION_REASONS = new Set(['insufficientPermissions', 'insufficientFilePermissions', 'forbidden', 'appNotAuthorizedToFile', 'domainPolicy']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

export function statusOf(error: unknown): number | undefined {
  const e = error as GaxiosLike;
  return e?.response?.status ?? (typeof e?.status === 'number' ? e.status : undefined);
}

export function reasonOf(error: unknown): string | undefined {
  const data = (error as GaxiosLike)?.response?.data as { error?: { errors?: { reason?: string }[] } | string } | undefined;
  if (data && typeof data.error === 'object') return data.error.errors?.[0]?.reason;
  return undefined;
}

/** Decides what a failed Drive call means. Unknown failures are not retried: a bounded loop must end somewhere. */
export function judge(error: unknown): Verdict {
  const e = error as GaxiosLike;
  const status = statusOf(error);
  const data = e?.response?.data as { error?: unknown; error_description?: string } | undefined;
  if (data?.error === 'invalid_grant') return { retry: false, error: invalidGrant(data.error_description ?? '') };
  if (status === 401) {
    return { retry: false, error: new UnauthorisedError('Google Drive refused the access token; run `backup auth google` to sign in again') };
  }
  if (status === 429 || (status !== undefined && status >= 500)) return { retry: true, afterMs: retryAfterMs(e) };
  if (status === 403) {
    const reason = reasonOf(error) ?? '';
    if (RATE_LIMIT_REASONS.has(reason)) return { retry: true, afterMs: retryAfterMs(e) };
    if (FULL_REASONS.has(reason)) {
      return { retry: false, error: new DestinationFullError(`Google Drive is full (${reason}): free up space or add storage; the next run stores the rest`) };
    }
    if (DAILY_CAP_REASONS.has(reason)) {
      return { retry: false, error: new DestinationFullError(`Google Drive's daily upload limit is reached (${reason}); the next run stores the rest`) };
    }
    if (PERMISSION_REASONS.has(reason)) {
      return { retry: false, error: new DestinationFullError(`Google Drive refused the write (${reason}): check the folder's sharing and the app's access`) };
    }
    return { retry: false, error: new DestinationFullError(`Google Drive refused the request (403 ${reason || 'forbidden'})`) };
  }
  if (status === undefined) {
    const code = String(e?.code ?? e?.cause?.code ?? '');
    if (NETWORK_CODES.has(code) || e?.name === 'AbortError' || e?.name === 'TimeoutError' || /timeout|socket hang up|fetch failed|terminated/i.test(e?.message ?? '')) {
      return { retry: true };
    }
  }
  return { retry: false, error: error instanceof Error ? error : new Error(String(error)) };
}

function retryAfterMs(e: GaxiosLike): number | undefined {
  const value = headerOf(e?.response?.headers, 'retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** A response header, whether the client hands a fetch Headers (of whichever fetch) or a plain object. */
export function headerOf(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name);
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}
