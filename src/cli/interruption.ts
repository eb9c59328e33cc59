// Ctrl-C or a service manager's stop during a run. The first SIGINT or SIGTERM aborts what is waiting (a BaseLinker
// request, a pacing or retry wait, a destination's Retry-After) and lets no new document start; uploads already
// going finish and are recorded (one abandoned in a wait keeps its reservation, and the next run stores it once),
// and the run ends as "interrupted" with one line. Anyone impatient presses Ctrl-C again: the program then ends at
// once, which is safe too (every stored document is recorded in its own transaction; the next run finishes the rest).
import { ExitCode, InterruptedError } from '../lib/errors.js';

export interface Interruption {
  /** Aborted, with an InterruptedError as its reason, by the first signal. */
  readonly signal: AbortSignal;
  /** Gives the signals back to Node's defaults. */
  close(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function watchInterruptions(): Interruption {
  const controller = new AbortController();
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      if (!controller.signal.aborted) {
        controller.abort(new InterruptedError(name));
        return;
      }
      process.stderr.write(`backup: ${name} again: stopping at once; the next run finishes what this one started\n`);
      process.exit(name === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    close() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
