import fs from 'node:fs';
import path from 'node:path';
import type winston from 'winston';
import type { Config } from '../config/config.js';
import { assertLedgerNotLost } from '../ledger/expected.js';
import { LEDGER_FILE } from '../ledger/ledger.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { UsageError } from '../lib/errors.js';
import { createLogger, type RecentLines } from '../lib/logger.js';
import { BaseLinkerTransport } from '../sources/baselinker/transport.js';

/** Whether a person is watching: readable lines then, JSON lines for cron mail and container logs. */
export const interactive = (): boolean => Boolean(process.stderr.isTTY) && process.env.BACKUP_LOG_FORMAT !== 'json';

export function setupLogger(config: Config | null, writeLogFile: boolean, recent?: RecentLines): winston.Logger {
  const logDir = writeLogFile && config ? config.dataDir : undefined;
  if (logDir) fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  return createLogger({ interactive: interactive(), level: config?.log.level, logDir, recent });
}

export function requireToken(config: Config): string {
  if (!config.baselinker.token) throw new UsageError('BASELINKER_TOKEN is not set (BaseLinker: My account → API → generate a token)');
  return config.baselinker.token;
}

export function createTransport(config: Config, logger: winston.Logger, clock: Clock = systemClock): BaseLinkerTransport {
  return new BaseLinkerTransport({
    apiUrl: config.baselinker.apiUrl,
    token: requireToken(config),
    requestsPerMinute: config.baselinker.requestsPerMinute,
    timeoutMs: config.baselinker.timeoutSeconds * 1000,
    clock,
    logger,
  });
}

/** Opens the ledger for reading only when it exists; a dry run or `status` never creates one. */
export function ledgerExists(config: Config): boolean {
  const file = path.join(config.dataDir, LEDGER_FILE);
  // One that should be there but is not is an error, not "no backup yet": see ledger/expected.ts.
  assertLedgerNotLost(config.dataDir, file);
  return fs.existsSync(file);
}
