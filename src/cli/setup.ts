import fs from 'node:fs';
import path from 'node:path';
import type winston from 'winston';
import type { Config } from '../config/config.js';
import type { SettingsValues } from '../config/schema.js';
import { LEDGER_FILE } from '../ledger/ledger.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { MachineError, UsageError, errorMessage } from '../lib/errors.js';
import { makeFolders, whyNotWritable } from '../lib/folders.js';
import { HeldLines } from '../lib/heldLines.js';
import { createLogger, stderrFormat, type RecentLines } from '../lib/logger.js';
import { BaseLinkerTransport } from '../sources/baselinker/transport.js';

/**
 * Progress bars: only where stderr is a terminal (escape codes in a pipe or a file are garbage) and lines are not
 * asked for as JSON. `backup run --json` draws them too: its JSON goes to stdout.
 */
export function drawsProgress(format: SettingsValues['log']['format']): boolean {
  return Boolean(process.stderr.isTTY) && format !== 'json';
}

/** Whether a person is watching: readable lines then, JSON lines for cron mail and container logs. */
export function interactive(format: SettingsValues['log']['format'] = 'auto'): boolean {
  if (format !== 'auto') return format === 'text';
  return Boolean(process.stderr.isTTY);
}

export function setupLogger(settings: Pick<SettingsValues, 'dataDir' | 'log' | 'timeZone'> | null, writeLogFile: boolean, recent?: RecentLines, held?: HeldLines): winston.Logger {
  const logDir = writeLogFile && settings ? settings.dataDir : undefined;
  if (logDir) prepareDataDir(logDir, { create: true });
  return createLogger({ interactive: interactive(settings?.log.format), level: settings?.log.level, logDir, recent, timeZone: settings?.timeZone, held });
}

/**
 * Where nobody watches stderr as it comes (cron mails whatever a job prints), its lines are held and written only
 * if the command fails; null where they go out as they come: on a terminal, into the systemd journal, under
 * `backup schedule` (which asks its runs for that: a container's log is read, not mailed), or when log.stderr says so.
 */
export function heldStderr(settings: Pick<SettingsValues, 'log' | 'timeZone'>, env: NodeJS.ProcessEnv = process.env): HeldLines | null {
  const { stderr, format } = settings.log;
  const live = stderr === 'auto' ? Boolean(process.stderr.isTTY) || stderrIsJournal(env) : stderr === 'all';
  return live ? null : new HeldLines(stderrFormat({ interactive: interactive(format), timeZone: settings.timeZone }));
}

/** systemd names the stream it connected to the journal in JOURNAL_STREAM ("device:inode"): it is stderr's when they match. */
function stderrIsJournal(env: NodeJS.ProcessEnv): boolean {
  const m = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? '');
  if (!m) return false;
  try {
    const stat = fs.fstatSync(2, { bigint: true });
    return stat.dev.toString() === m[1] && stat.ino.toString() === m[2];
  } catch {
    return false;
  }
}

export function requireToken(config: Config): string {
  if (!config.baselinker.token) {
    const who = config.account.implicit ? 'BASELINKER_TOKEN is not set' : `account "${config.account.id}" has no BaseLinker token (BASELINKER_TOKEN_${config.account.id.toUpperCase().replaceAll('-', '_')}, or baselinker.tokenFile)`;
    throw new UsageError(`${who} (BaseLinker: My account → API → generate a token)`);
  }
  return config.baselinker.token;
}

export function createTransport(config: Config, logger: winston.Logger, clock: Clock = systemClock, stop?: AbortSignal): BaseLinkerTransport {
  return new BaseLinkerTransport({
    stop,
    apiUrl: config.baselinker.apiUrl,
    token: requireToken(config),
    requestsPerMinute: config.baselinker.requestsPerMinute,
    timeoutMs: config.baselinker.timeoutSeconds * 1000,
    clock,
    logger,
  });
}

/**
 * The data dir, checked before anything is read from BaseLinker: one line that says what to do when it cannot be
 * made or written, not a failure half-way. Made (owner-only) unless `create` is false: a dry run writes nothing.
 */
export function prepareDataDir(dir: string, o: { create: boolean }): void {
  const why = whyNotWritable(dir);
  if (why) throw new MachineError(`cannot write to the data dir ${dir} (BACKUP_DATA_DIR): ${why}`);
  if (!o.create) return;
  try {
    makeFolders(dir, 0o700);
  } catch (error) {
    throw new MachineError(`cannot create the data dir ${dir} (BACKUP_DATA_DIR): ${errorMessage(error)}`);
  }
}

/** Whether the account has a ledger yet; `status` and `verify` never create one. */
export function ledgerExists(config: Config): boolean {
  return fs.existsSync(path.join(config.dataDir, LEDGER_FILE));
}
