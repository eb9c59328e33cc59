// How far a run has come, phase by phase. BaseLinker never says how many documents a list holds, so a phase's
// position is the date of the last document read, within the dates the phase scans: a measure that advances at
// the pace the documents really arrive, pacing included, which is what an ETA needs.

export interface Progress {
  /** A phase starts: it will read documents dated from `from` to `to` (Unix seconds). */
  start(phase: string, from: number, to: number): void;
  /** `count` documents read so far; the last one is dated `at`. */
  advance(count: number, at: number): void;
  /** The phase is over: everything in its dates has been read. */
  end(): void;
}

export const noProgress: Progress = { start: () => undefined, advance: () => undefined, end: () => undefined };
