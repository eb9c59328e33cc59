// How the benchmark prints: one titled table per section, plain text, so figures can be pasted into the README.

/** One measured figure: what was measured, the number with its unit, and an optional note. */
export interface BenchRow {
  what: string;
  figure: string;
  note?: string;
}

export interface BenchSection {
  title: string;
  run(): Promise<BenchRow[]>;
}

export function formatSection(title: string, rows: readonly BenchRow[]): string {
  const whatWidth = Math.max(...rows.map((r) => r.what.length));
  const figureWidth = Math.max(...rows.map((r) => r.figure.length));
  const lines = rows.map((r) => `  ${r.what.padEnd(whatWidth)}  ${r.figure.padStart(figureWidth)}${r.note ? `  ${r.note}` : ''}`);
  return [title, '-'.repeat(title.length), ...lines].join('\n');
}
