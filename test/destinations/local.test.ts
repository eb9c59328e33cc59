import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFolderDestination } from '../../src/destinations/local/localFolder.js';
import { tempDir } from '../helpers/tempDir.js';
import { destinationConformance } from './conformance.js';

function walk(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === '.baselinker-backup') return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(root, full) : [path.relative(root, full)];
  });
}

describe('local folder destination', () => {
  destinationConformance(async () => {
    const root = tempDir();
    return {
      destination: localFolderDestination(root),
      read: async (folder, name) => {
        const file = path.join(root, ...folder, name);
        return fs.existsSync(file) ? fs.readFileSync(file) : null;
      },
      allFiles: async () => walk(root).sort(),
    };
  });

  it('leaves no temp files behind, and clears those a killed run left', async () => {
    const root = tempDir();
    const stale = path.join(root, '.baselinker-backup', 'tmp');
    fs.mkdirSync(stale, { recursive: true });
    fs.writeFileSync(path.join(stale, 'killed-run.part'), 'half a file');
    const destination = localFolderDestination(root);
    await destination.put({ folder: ['A'], name: 'a.pdf', contentType: 'application/pdf', body: new Uint8Array([1, 2, 3]), token: await destination.newToken() });
    expect(fs.readdirSync(stale)).toEqual([]);
  });
});
