// What every command does around its own work, once: read the configuration, open the logger, turn a failure
// into one line and an exit code, and close whatever it opened (ledgers, locks) however it ends.
import path from 'node:path';
import type winston from 'winston';
import { loadInstallation, type Config, type Installation } from '../config/config.js';
import { ExitCode, UsageError } from '../lib/errors.js';
import { flushLogger, LOG_FILE, RecentLines } from '../lib/logger.js';
import { reportFailure } from './failure.js';
import { heldStderr, setupLogger } from './setup.js';

export interface Session {
  installation: Installation;
  logger: winston.Logger;
  /** The last lines logged, for a health ping's failure report. */
  recent: RecentLines;
  /** The accounts a command works on: those named (comma-separated ids), or all. */
  accounts(named?: string): Config[];
  /** Closes this when the command ends (last opened, first closed). */
  keep<T extends { close(): void } | { release(): void }>(resource: T): T;
}

/** `live`: stderr lines go out as they come whatever log.stderr says (a command that runs for days: the scheduler). */
export async function withSession(options: { logFile: boolean; live?: boolean }, body: (session: Session) => Promise<ExitCode>): Promise<ExitCode> {
  const installation = loadInstallation();
  const recent = new RecentLines();
  // Unless a person, the journal or the scheduler reads stderr as it comes: its lines, written only on a failure.
  const unwatched = options.live ? null : heldStderr(installation.settings);
  const logger = setupLogger(installation.settings, options.logFile, recent, unwatched ?? undefined);
  const held: ({ close(): void } | { release(): void })[] = [];
  const session: Session = {
    installation,
    logger,
    recent,
    accounts: (named) => selectAccounts(installation, named),
    keep(resource) {
      held.push(resource);
      return resource;
    },
  };
  let exitCode: ExitCode = ExitCode.unexpected;
  try {
    exitCode = await body(session);
    return exitCode;
  } catch (error) {
    exitCode = reportFailure(logger, error);
    return exitCode;
  } finally {
    for (const resource of held.reverse()) 'close' in resource ? resource.close() : resource.release();
    await flushLogger(logger);
    unwatched?.release(exitCode, process.stderr, options.logFile ? path.join(installation.settings.dataDir, LOG_FILE) : null);
  }
}

function selectAccounts(installation: Installation, named: string | undefined): Config[] {
  if (named === undefined) return installation.accounts;
  const ids = named.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !installation.accounts.some((a) => a.account.id === id));
  if (ids.length === 0 || unknown.length > 0) {
    throw new UsageError(`--account: no account ${unknown.map((id) => `"${id}"`).join(', ') || '(none named)'}; configured: ${installation.accounts.map((a) => a.account.id).join(', ')}`);
  }
  return installation.accounts.filter((a) => ids.includes(a.account.id));
}

