import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFolderDestination } from '../../src/destinations/local/localFolder.js';
import { tempDir } from '../helpers/tempDir.js';
import { destinationConformance } from './conformance.js';

function walk(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (dir === root && e.name === '.baselinker-backup') return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(root, full) : [path.relative(root, full).split(path.sep).join('/')];
  });
}

describe('local folder destination', () => {
  destinationConformance(async () => {
    const root = tempDir();
    return {
      open: () => localFolderDestination(root),
      read: async (p) => (fs.existsSync(path.join(root, p)) ? fs.readFileSync(path.join(root, p)) : null),
      allFiles: async () => walk(root).sort(),
      plant: async (p, bytes) => {
        fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
        fs.writeFileSync(path.join(root, p), bytes);
      },
      tamper: async (p, how) => {
        const file = path.join(root, p);
        if (how === 'remove') fs.rmSync(file);
        else fs.truncateSync(file, fs.statSync(file).size >> 1);
      },
      violations: () => [],
    };
  });

  it('leaves no temp files behind, and clears those a killed run left', async () => {
    const root = tempDir();
    const stale = path.join(root, '.baselinker-backup', 'tmp');
    fs.mkdirSync(stale, { recursive: true });
    fs.writeFileSync(path.join(stale, 'killed-run.part'), 'half a file');
    const destination = localFolderDestination(root);
    const body = new Uint8Array([1, 2, 3]);
    const identity = { account: 'default', kind: 'invoices' as const, sourceId: '1', version: 1, hash: 'h', token: await destination.newToken(), size: 3, sha256: 'x' };
    await destination.put({ folder: ['A'], name: 'a.pdf', contentType: 'application/pdf', body, identity });
    expect(fs.readdirSync(stale)).toEqual([]);
  });

  it('keeps one append-only journal, whose torn last line neither hides the others nor swallows the next', async () => {
    const root = tempDir();
    const destination = localFolderDestination(root);
    const put = async (name: string) => {
      const body = new Uint8Array(Buffer.from(name));
      const identity = { account: 'default', kind: 'invoices' as const, sourceId: name, version: 1, hash: 'h', token: await destination.newToken(), size: body.length, sha256: 'x' };
      await destination.put({ folder: ['A'], name, contentType: 'application/pdf', body, identity });
    };
    await put('one.pdf');
    const journal = path.join(root, '.baselinker-backup', 'journal.jsonl');
    fs.appendFileSync(journal, '{"v":1,"path":"A/torn');
    await put('two.pdf');
    const fresh = localFolderDestination(root);
    expect((await fresh.list(['A'])).files.map((f) => [f.name, f.identity?.sourceId])).toEqual(
      expect.arrayContaining([
        ['one.pdf', 'one.pdf'],
        ['two.pdf', 'two.pdf'],
      ]),
    );
    expect(fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });
});
