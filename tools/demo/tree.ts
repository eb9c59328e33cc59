import fs from 'node:fs';
import path from 'node:path';

/** The folder as `tree` would draw it, with file sizes; hidden files (our own bookkeeping) left out. */
export function drawTree(root: string): string {
  const lines = [path.basename(root) + '/'];
  const walk = (dir: string, indent: string) => {
    const entries = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    entries.forEach((entry, i) => {
      const last = i === entries.length - 1;
      const full = path.join(dir, entry.name);
      const size = entry.isFile() ? `  (${formatSize(fs.statSync(full).size)})` : '/';
      lines.push(`${indent}${last ? '└── ' : '├── '}${entry.name}${size}`);
      if (entry.isDirectory()) walk(full, indent + (last ? '    ' : '│   '));
    });
  };
  walk(root, '');
  return lines.join('\n');
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
