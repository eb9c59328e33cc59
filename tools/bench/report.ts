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

// Figures as the tables print them.

export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function mb(kb: number | null): string {
  return kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`;
}

export function percent(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)}%`;
}

export function signedPercent(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

export function overhead(requests: number, minimum: number): string {
  return `${signedPercent(requests / minimum - 1)} over`;
}
