// Promise 1 in the code itself: in the program (src/; the emulators live in tools/), nothing can delete, trash, empty the trash or rewrite the
// content of a stored file, because no such call exists: not on Drive, not on OneDrive (Graph). The emulators record any such call the program
// makes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const FORBIDDEN: [string, RegExp][] = [
  ['Drive delete', /files\.delete\b|method:\s*['"]DELETE['"]/],
  ['Drive emptyTrash', /emptyTrash/],
  ['Drive trash', /trashed['"]?\s*:\s*true/],
  ['Drive update (metadata or content)', /files\.update\b|method:\s*['"]PATCH['"]/],
  // Graph: a DELETE (of an item, or of an upload URL, which cancels the session) and a PATCH are caught above.
  ['Graph replace or rename on a name conflict', /conflictBehavior\W{0,8}(replace|rename)/i],
  // Uploads are addressed by name (…:/name:/content); content PUT to an item id replaces that item's bytes.
  ['Graph content upload addressed by item id', /[^:]\/(content|createUploadSession)\b/],
  ['Graph copy or move', /\/copy\b|\/move\b/],
];

describe('no destructive call exists in the program', () => {
  it.each(FORBIDDEN)('no %s', (_what, pattern) => {
    const hits = sourceFiles(SRC).flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file: path.relative(SRC, file), line: i + 1, text: line }))
        .filter(({ text }) => pattern.test(text) && !text.trim().startsWith('//') && !text.trim().startsWith('*')),
    );
    expect(hits).toEqual([]);
  });

  it('the local destination removes only its own temp files and markers, never a document path', () => {
    const local = fs.readFileSync(path.join(SRC, 'destinations/local/localFolder.ts'), 'utf8');
    const removals = local.split('\n').filter((l) => /\.(rm|unlink|rmdir)\(/.test(l));
    expect(removals.map((l) => l.trim())).toEqual(['await fsp.rm(file, { force: true });']);
    expect(local).toMatch(/async function discardTempFile\(file: string\)/);
  });
});
