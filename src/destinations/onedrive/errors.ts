// Which OneDrive failures to retry, and which stop the work: rclone's lesson that each backend owns this rule
// (backend/onedrive shouldRetry: 429, 500, 502, 503, 504, 509 are retried honouring Retry-After; 507 is fatal;
// pathIsTooLong is never retried).
import { DestinationFullError, UnauthorisedError, UsageError } from '../../lib/errors.js';

/** A Graph answer that is an error: status, Graph's code and the more detailed codes nested in innerError. */
export class GraphError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly innerCodes: readonly string[],
    detail: string,
    /** What Retry-After asked for, in ms from when the answer came, when it said anything. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`OneDrive ${what}: HTTP ${status}${code ? ` ${[code, ...innerCodes].join('/')}` : ''}${detail ? `: ${detail}` : ''}`);
    this.name = 'GraphError';
  }

  /** Whether Graph named this code at any level. */
  has(code: string): boolean {
    return this.code === code || this.innerCodes.includes(code);
  }
}

/** No HTTP answer at all: refused, reset, timed out. The request may or may not have taken effect. */
export class NetworkError extends Error {
  constructor(
    readonly what: string,
    override readonly cause: unknown,
    /** The address tried and the variable that sets it, when it is ours to set. */
    where?: string,
  ) {
    super(`OneDrive ${what}: ${networkReason(cause)}${where ? ` at ${where}` : ''}`);
    this.name = 'NetworkError';
  }
}

/** An error answer from the Microsoft identity platform: {error, error_description, error_codes}. */
export class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly codes: readonly number[],
  ) {
    super(`Microsoft sign-in answered ${status} ${error}${description ? `: ${firstLine(description)}` : ''}`);
    this.name = 'TokenError';
  }
}

export type Verdict = { retry: true; afterMs?: number } | { retry: false; error: Error };

/** Decides what a failed OneDrive call means. Unknown failures are not retried: a bounded loop must end somewhere. */
export function judge(error: unknown): Verdict {
  if (error instanceof NetworkError) return { retry: true };
  if (error instanceof TokenError) return judgeToken(error);
  if (!(error instanceof GraphError)) return { retry: false, error: error instanceof Error ? error : new Error(String(error)) };
  const { status } = error;
  if (status === 507 || error.has('quotaLimitReached')) {
    return {
      retry: false,
      error: new DestinationFullError('OneDrive is full (quotaLimitReached): free up space or buy more storage; the next run stores the rest'),
    };
  }
  if (status === 429 || status === 503) return error.retryAfterMs === undefined ? { retry: true } : { retry: true, afterMs: error.retryAfterMs };
  if (status === 500 || status === 502 || status === 504 || status === 509) return { retry: true };
  if (status === 401) {
    return {
      retry: false,
      error: new UnauthorisedError('OneDrive refused the access token even after a refresh; run `backup auth onedrive` to sign in again'),
    };
  }
  if (status === 403) {
    return {
      retry: false,
      error: new UnauthorisedError(
        `OneDrive refused access (${error.code ?? 'forbidden'}): the sign-in's permission does not reach this folder. Files.ReadWrite.AppFolder reaches only Apps/<app name> and not at all on work or school accounts: there, set BACKUP_DESTINATION=onedrive:<folder path> and run \`backup auth onedrive\` again, which then asks for the whole drive`,
      ),
    };
  }
  return { retry: false, error };
}

function judgeToken(error: TokenError): Verdict {
  if (error.status >= 500 || error.status === 429 || error.error === 'temporarily_unavailable') return { retry: true };
  if (error.error === 'invalid_grant') return { retry: false, error: invalidGrant(error) };
  if (error.codes.includes(7000218)) {
    return {
      retry: false,
      error: new UsageError(
        'the OneDrive app registration does not allow public client flows: in the Microsoft Entra admin center open App registrations → the app → Authentication, and set "Allow public client flows" to Yes',
      ),
    };
  }
  return {
    retry: false,
    error: new UsageError(
      `Microsoft refused the app's sign-in request (${error.error}${error.codes.length ? ` AADSTS${error.codes[0]}` : ''}: ${firstLine(error.description)}); check the OneDrive app registration (client id, supported account types) and the tenant`,
    ),
  };
}

/** invalid_grant: the saved sign-in is dead. Says what most likely killed it and what to do. */
export function invalidGrant(error: TokenError): UnauthorisedError {
  const code = error.codes[0];
  const cause =
    code === 700082
      ? 'it was not used for 90 days'
      : code === 65001
        ? "the app's access was removed from the Microsoft account (account.live.com/consent/Manage, or myapps.microsoft.com for work accounts)"
        : code === 50173 || code === 50132 || code === 50133
          ? 'the password was changed or every sign-in was revoked'
          : 'it was replaced or revoked (after 90 days without use, a removed consent, a password change, or another copy of this program using it)';
  return new UnauthorisedError(
    `Microsoft refused the saved OneDrive sign-in (invalid_grant${code ? ` AADSTS${code}` : ''}): ${cause}. Run \`backup auth onedrive\` to sign in again`,
  );
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.trim();
}

function networkReason(cause: unknown): string {
  const e = cause as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer before the timeout';
  const code = e?.cause?.code ?? e?.code;
  return code ? `network error ${code}` : `network error (${e?.cause?.message ?? e?.message ?? String(cause)})`;
}
