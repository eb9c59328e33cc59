import type { Progress } from '../backup/progress.js';

const WIDTH = 24;
const REDRAW_MS = 200;

/**
 * A one-line bar per phase on a terminal: "invoices  [#######.......]  1 200 read  ~3 min left". The ETA is
 * elapsed time × what is left ÷ what is done, so it already includes the pacing that dominates a first backfill.
 * Only for a terminal: cron mail and container logs get the JSON lines instead.
 */
export function terminalProgress(stream: NodeJS.WriteStream, now: () => number = Date.now): Progress {
  let phase = '';
  let from = 0;
  let to = 0;
  let startedAt = 0;
  let drawnAt = 0;
  const draw = (line: string) => stream.write(`\r\x1b[2K${line}`);
  return {
    start(name, fromSeconds, toSeconds) {
      [phase, from, to, startedAt, drawnAt] = [name, fromSeconds, toSeconds, now(), 0];
      draw(`${phase.padEnd(9)} [${'.'.repeat(WIDTH)}]  starting`);
    },
    advance(count, at) {
      const t = now();
      if (t - drawnAt < REDRAW_MS) return;
      drawnAt = t;
      const fraction = to > from ? Math.min(1, Math.max(0, (at - from) / (to - from))) : 0;
      const filled = Math.round(fraction * WIDTH);
      const elapsed = t - startedAt;
      const eta = fraction > 0.02 ? `  ~${duration((elapsed * (1 - fraction)) / fraction)} left` : '';
      draw(`${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]  ${count.toLocaleString('en').replaceAll(',', ' ')} read${eta}`);
    },
    end() {
      // The bar goes; the run's own log line says how the phase ended.
      stream.write('\r\x1b[2K');
    },
  };
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
