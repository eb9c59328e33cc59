// What every command does around its own work, once: read the configuration, open the logger, turn a failure
// into one line and an exit code, and close whatever it opened (ledgers, locks) however it ends.
import type winston from 'winston';
import { loadInstallation, type Config, type Installation } from '../config/config.js';
import { UsageError, type ExitCode } from '../lib/errors.js';
import { flushLogger, RecentLines } from '../lib/logger.js';
import { reportFailure } from './failure.js';
import { setupLogger } from './setup.js';

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

export async function withSession(options: { logFile: boolean }, body: (session: Session) => Promise<ExitCode>): Promise<ExitCode> {
  const installation = loadInstallation();
  const recent = new RecentLines();
  const logger = setupLogger(installation.settings, options.logFile, recent);
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
  try {
    return await body(session);
  } catch (error) {
    return reportFailure(logger, error);
  } finally {
    for (const resource of held.reverse()) 'close' in resource ? resource.close() : resource.release();
    await flushLogger(logger);
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

