// Test-only crash points. The crash tests (test/promises/crash.test.ts) must kill the program at instants that a
// kill at a random time almost never hits, above all the one between an upload and its ledger commit. With
// BACKUP_CRASH_AT=<point>:<n> in the environment, the n-th time the program reaches crashPoint(<point>) it sends
// itself SIGKILL: no cleanup, no finally blocks, no flushed buffers, exactly as a power cut or the OOM killer.
// Without the variable (or with one that names no point) every call is a no-op. Nothing else reads it.

export const CRASH_POINTS = [
  /** A name and token were reserved in the ledger (committed); nothing rendered or uploaded yet. */
  'after-reserve',
  /** The body (PDF or spooled CSV) is ready; the upload has not started. */
  'after-render',
  /** Part of the bytes are in the destination's temp file; nothing under the final name yet. */
  'mid-write',
  /** The destination holds the whole file under its final name; the ledger still says 'pending'. */
  'after-upload',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const CRASH_ENV = 'BACKUP_CRASH_AT';

function armed(spec: string | undefined): { point: string; at: number } | null {
  const m = /^([a-z-]+):([1-9]\d*)$/.exec(spec ?? '');
  return m && (CRASH_POINTS as readonly string[]).includes(m[1]!) ? { point: m[1]!, at: Number(m[2]) } : null;
}

const target = armed(process.env[CRASH_ENV]);
let reached = 0;

export function crashPoint(point: CrashPoint): void {
  if (target?.point !== point) return;
  if (++reached === target.at) process.kill(process.pid, 'SIGKILL');
}
