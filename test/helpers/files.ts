import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Every file under root as a relative path, sorted; hidden bookkeeping folders left out. */
export function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      if (e.name.startsWith('.')) return [];
      const full = path.join(dir, e.name);
      return e.isDirectory() ? walk(full) : [path.relative(root, full)];
    });
  return walk(root).sort();
}

/** The text of a PDF as poppler's pdftotext reads it (layout kept, so table rows stay on one line). */
export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}
