import path from 'node:path';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import winston from 'winston';
import Transport from 'winston-transport';
import type { HeldLines } from './heldLines.js';
import { redact } from './secrets.js';

export type Logger = Pick<winston.Logger, 'error' | 'warn' | 'info' | 'debug'>;

const MESSAGE = Symbol.for('message');

/** Runs last: whatever a format produced, secrets are cut out of the final line. */
const redactLine = winston.format((info) => {
  const line = (info as Record<symbol, unknown>)[MESSAGE];
  if (typeof line === 'string') (info as Record<symbol, unknown>)[MESSAGE] = redact(line);
  return info;
});

const jsonLine = winston.format.combine(winston.format.timestamp(), winston.format.json(), redactLine());

/**
 * A line for a person: the time of day in the account's zone, as every other time the program shows (a container's
 * own clock is usually UTC). JSON lines keep an ISO instant in UTC, which says its zone.
 */
const readableLine = (timeZone: string | undefined) =>
  winston.format.combine(
    winston.format.timestamp({ format: () => (timeZone ? format(new TZDate(Date.now(), timeZone), 'HH:mm:ss') : format(new Date(), 'HH:mm:ss')) }),
    winston.format.printf(({ timestamp, level, message, ...meta }) => {
      const extra = Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : '';
      return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${extra}`;
    }),
    redactLine(),
  );

/**
 * The last lines logged, kept for a failure report (the health ping's body): per account, since accounts run side
 * by side and each pings about its own night.
 */
export class RecentLines extends Transport {
  private readonly byAccount = new Map<string, string[]>();
  constructor(private readonly max = 50) {
    super({ format: jsonLine });
  }
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[MESSAGE];
    if (typeof line === 'string') {
      const key = typeof info.account === 'string' ? info.account : '';
      const lines = this.byAccount.get(key) ?? [];
      lines.push(line);
      if (lines.length > this.max) lines.shift();
      this.byAccount.set(key, lines);
    }
    next();
  }
  /** The lines of one account's run (and those of no account in particular). */
  linesOf(account: string): string[] {
    return [...(this.byAccount.get('') ?? []), ...(this.byAccount.get(account) ?? [])];
  }
}

/** In the data dir: every line, as JSON, whatever reaches stderr. */
export const LOG_FILE = 'backup.log';

export interface LoggerOptions {
  /** Readable lines when the terminal is a person, JSON lines for cron mail and container logs. */
  interactive: boolean;
  level?: string;
  /** Folder for backup.log (JSON lines); none for commands that must not touch the data dir. */
  logDir?: string;
  recent?: RecentLines;
  /** The zone of the times in readable lines; the machine's own when absent. */
  timeZone?: string;
  /** Takes the stderr lines instead of stderr (a command nobody watches: HeldLines writes them out if it fails). */
  held?: HeldLines;
}

/**
 * The stderr lines' format: readable for a person at a terminal, JSON lines for cron mail and container logs. On a
 * terminal each line first clears the one the cursor is on, where a progress bar may be drawn.
 */
export function stderrFormat(o: Pick<LoggerOptions, 'interactive' | 'timeZone'>): winston.Logform.Format {
  if (!o.interactive) return jsonLine;
  return process.stderr.isTTY ? winston.format.combine(readableLine(o.timeZone), clearLineFirst()) : readableLine(o.timeZone);
}

const clearLineFirst = winston.format((info) => {
  const line = (info as Record<symbol, unknown>)[MESSAGE];
  if (typeof line === 'string') (info as Record<symbol, unknown>)[MESSAGE] = `\r\x1b[2K${line}`;
  return info;
});

export function createLogger(o: LoggerOptions): winston.Logger {
  const transports: winston.transport[] = [
    // stderr, so that stdout carries only a command's own output (status tables, trees).
    o.held ?? new winston.transports.Console({ format: stderrFormat(o), stderrLevels: ['error', 'warn', 'info', 'debug'] }),
  ];
  if (o.logDir) {
    transports.push(
      new winston.transports.File({
        filename: path.join(o.logDir, LOG_FILE),
        format: jsonLine,
        maxsize: 10 * 1024 * 1024,
        maxFiles: 5,
        tailable: true,
      }),
    );
  }
  if (o.recent) transports.push(o.recent);
  const logger = winston.createLogger({ level: o.level ?? 'info', transports });
  // A log file that cannot be written (a full or read-only data dir) must not crash the run with a stack trace:
  // say so once on stderr and go on; the failure that matters is reported by whatever else needs the disk.
  let warned = false;
  logger.on('error', (error: Error) => {
    if (warned) return;
    warned = true;
    process.stderr.write(`backup: cannot write the log file in ${o.logDir ?? '?'}: ${redact(error.message)}\n`);
  });
  return logger;
}

export const silentLogger: Logger = winston.createLogger({ silent: true });

/** Waits until every transport has written what it was given (winston writes asynchronously). */
export function flushLogger(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    // Not unref'd: a log file that failed never finishes, and an empty event loop would end the process before the
    // exit code is set (Node's exit 13, "unsettled top-level await").
    const timer = setTimeout(resolve, 2000);
    logger.on('finish', () => {
      clearTimeout(timer);
      resolve();
    });
    logger.end();
  });
}
