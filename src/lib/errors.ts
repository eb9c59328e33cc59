// Typed failures. Commands throw these; only the CLI entry point turns them into an exit code and one line of text.

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  partial: 3,
  locked: 4,
  unauthorised: 5,
  /** `backup verify`: the ledger and a destination disagree (a file missing, of another size, or unexpected). */
  disagrees: 6,
  /** Stopped by SIGINT (Ctrl-C): 128 + 2, as a shell reports a process the signal ended. */
  interrupted: 130,
  /** Stopped by SIGTERM (systemctl stop, docker stop, a Kubernetes pod ending): 128 + 15. */
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class BackupError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line input or configuration: exit 2. */
export class UsageError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** Another run holds the lock: exit 4. */
export class LockedError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.locked);
  }
}

/** The credentials are wrong, expired or revoked: exit 5. */
export class UnauthorisedError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.unauthorised);
  }
}

/**
 * The machine cannot give the program what it needs (a folder it may not make or write): exit 1, with the advice
 * in the message.
 */
export class MachineError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.unexpected);
  }
}

/**
 * A person or the service manager asked the program to stop (SIGINT, SIGTERM). Nothing new is started; what was
 * stored is recorded, and the next run goes on from there.
 */
export class InterruptedError extends BackupError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}: stopped before the end; what was stored is recorded, and the next run goes on from here`, signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
  }
}

/** A source API refused a request for a reason a retry will not fix: the run stops (exit 1). */
export class SourceError extends BackupError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message, ExitCode.unexpected);
  }
}

/**
 * A destination refused for a reason a retry will not fix (quota, permissions). The run stops what it is doing and
 * exits 3: what was stored stays recorded, and the next run retries the rest.
 */
export class DestinationFullError extends BackupError {
  constructor(message: string) {
    super(message, ExitCode.partial);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The exit code an error carries, or the one for a bug. */
export function exitCodeOf(error: unknown): number {
  return typeof error === 'object' && error !== null && 'exitCode' in error ? Number((error as { exitCode: unknown }).exitCode) : ExitCode.unexpected;
}
