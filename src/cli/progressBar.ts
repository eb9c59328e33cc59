import type { Progress } from '../backup/progress.js';

const WIDTH = 24;
const REDRAW_MS = 200;
/** What a phase reads, one and many. */
const READ: Record<string, [string, string]> = { invoices: ['invoice', 'invoices'], orders: ['order', 'orders'], receipts: ['receipt', 'receipts'] };

/**
 * A one-line bar per phase on a terminal: "invoices  [#######.......]  1 200 invoices read  ~3 min left". The ETA is
 * elapsed time × what is left ÷ what is done, so it already includes the pacing that dominates a first backfill.
 * When the phase ends the bar is drawn full and stays, with what was read; the run's log line then says what was
 * stored. A log line written meanwhile clears the bar first (logger.ts), and the next redraw brings it back.
 * Only for a terminal: cron mail and container logs get the log lines alone.
 */
export function terminalProgress(stream: { write(text: string): unknown }, now: () => number = Date.now): Progress {
  let phase = '';
  let from = 0;
  let to = 0;
  let startedAt = 0;
  let drawnAt = 0;
  let read = 0;
  const draw = (fraction: number, tail: string) => {
    const filled = Math.round(fraction * WIDTH);
    stream.write(`\r\x1b[2K${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]  ${tail}`);
  };
  const howMany = () => {
    const [one, many] = READ[phase] ?? ['document', 'documents'];
    return `${read.toLocaleString('en').replaceAll(',', ' ')} ${read === 1 ? one : many} read`;
  };
  return {
    start(name, fromSeconds, toSeconds) {
      [phase, from, to, startedAt, drawnAt, read] = [name, fromSeconds, toSeconds, now(), 0, 0];
      draw(0, 'starting');
    },
    advance(n, at) {
      read = n;
      const t = now();
      if (t - drawnAt < REDRAW_MS) return;
      drawnAt = t;
      const fraction = to > from ? Math.min(1, Math.max(0, (at - from) / (to - from))) : 0;
      const eta = fraction > 0.02 ? `  ~${duration(((t - startedAt) * (1 - fraction)) / fraction)} left` : '';
      draw(fraction, `${howMany()}${eta}`);
    },
    end() {
      draw(1, howMany());
      stream.write('\n');
    },
  };
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
