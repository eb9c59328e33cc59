// Under cron every line on stderr becomes a mail. So a command that is not watched holds its stderr lines back:
// when it succeeds they are dropped (the log file has them all), and cron's mail then means a failure; when it
// fails they are written out after it, with the line that says why, so the mail holds the whole story.
import Transport from 'winston-transport';
import type winston from 'winston';
import { ExitCode } from './errors.js';

const MESSAGE = Symbol.for('message');

export class HeldLines extends Transport {
  private readonly held: { level: string; line: string }[] = [];
  private dropped = 0;

  /** `format`: the stderr format (readable or JSON lines); at most `max` lines are kept, the last ones. */
  constructor(format: winston.Logform.Format, private readonly max = 500) {
    super({ format });
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[MESSAGE];
    if (typeof line === 'string') {
      this.held.push({ level: String(info.level), line });
      if (this.held.length > this.max) {
        this.held.shift();
        this.dropped++;
      }
    }
    next();
  }

  /**
   * What the command's end lets out: nothing after success; after an interruption (someone asked for it) only its
   * one line; after a failure every line held. `logFile` is named for the lines that did not fit.
   */
  release(exitCode: number, stream: { write(text: string): unknown }, logFile: string | null): void {
    if (exitCode === ExitCode.ok) return;
    const interrupted = exitCode === ExitCode.interrupted || exitCode === ExitCode.terminated;
    const lines = this.held.filter((h) => !interrupted || h.level === 'error').map((h) => h.line);
    if (this.dropped > 0 && !interrupted) lines.unshift(`(${this.dropped} earlier lines${logFile ? ` are in ${logFile}` : ' are not shown'})`);
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
  }
}
