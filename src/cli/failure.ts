import { BackupError, ExitCode, errorMessage } from '../lib/errors.js';
import { machineAdvice } from '../lib/fsErrors.js';
import type { Logger } from '../lib/logger.js';

/**
 * Turns a failure into one logged line and an exit code. Our own errors carry their code and a message meant for a
 * person; anything else is a bug: its message is shown and its stack goes to the log file at debug level only.
 */
export function reportFailure(logger: Logger, error: unknown): ExitCode {
  if (error instanceof BackupError) {
    logger.error(error.message);
    return error.exitCode;
  }
  const advice = machineAdvice(error);
  if (advice) {
    logger.error(`${errorMessage(error)}: ${advice}`);
    return ExitCode.unexpected;
  }
  logger.error(`unexpected failure: ${errorMessage(error)}`);
  if (error instanceof Error && error.stack) logger.debug(error.stack);
  return ExitCode.unexpected;
}
