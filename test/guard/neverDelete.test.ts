// Promise 1 in the code itself: in the program (src/; the emulators live in tools/), nothing can delete, trash, empty the trash or rewrite the
// content of a stored file, because no such call exists: not on Drive, not on OneDrive (Graph), not on Dropbox (no delete,
// move or copy route is named anywhere, and every commit is mode "add"). The emulators record any such call the program makes.
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

/** What may not appear, and a line of the kind it catches (so that a pattern that can match nothing is caught too). */
const FORBIDDEN: [string, RegExp, string][] = [
  ['Drive delete', /files\.delete\b|method:\s*['"]DELETE['"]/, 'await drive.files.delete({ fileId })'],
  ['Drive emptyTrash', /emptyTrash/, 'await drive.files.emptyTrash()'],
  ['Drive trash', /trashed['"]?\s*:\s*true/, 'requestBody: { trashed: true }'],
  ['Drive update (metadata or content)', /files\.update\b|method:\s*['"]PATCH['"]/, "{ method: 'PATCH', url }"],
  // Graph: a DELETE (of an item, or of an upload URL, which cancels the session) and a PATCH are caught above.
  ['Graph replace or rename on a name conflict', /conflictBehavior\W{0,8}(replace|rename)/i, "'@microsoft.graph.conflictBehavior': 'replace'"],
  // Uploads are addressed by name (…:/name:/content); content PUT to an item id replaces that item's bytes.
  ['Graph content upload addressed by item id', /[^:/]\/(content|createUploadSession)\b/, '`me/drive/items/${id}/content`'],
  ['Graph copy or move', /\/copy\b|\/move\b/, '`me/drive/items/${id}/copy`'],
  ['Dropbox delete (delete, delete_v2, delete_batch, permanently_delete)', /files\/(delete|permanently_delete)/, "await api.rpc('files/delete_v2', { path })"],
  ['Dropbox move (move, move_v2, move_batch_v2)', /files\/move/, "api.rpc('files/move_v2', { from_path, to_path })"],
  ['Dropbox copy (onto a taken path it is refused, but nothing needs one)', /files\/copy/, "api.rpc('files/copy_v2', arg)"],
  ['Dropbox commit in mode overwrite or update (WriteMode, as a string or a tag)', /['"](overwrite|update)['"]/, "{ path, mode: { '.tag': 'update', update: rev } }"],
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

  it.each(FORBIDDEN)('the pattern for %s catches what it is for', (_what, pattern, example) => {
    expect(pattern.test(example)).toBe(true);
  });

  it('every Dropbox commit is mode "add" with autorename off', () => {
    const dir = path.join(SRC, 'destinations/dropbox');
    const modes = sourceFiles(dir).flatMap((file) => fs.readFileSync(file, 'utf8').match(/\bmode:\s*[^,}]+/g) ?? []);
    expect(modes).toEqual(["mode: 'add'"]);
    const renames = sourceFiles(dir).flatMap((file) => fs.readFileSync(file, 'utf8').match(/\bautorename:\s*[^,}]+/g) ?? []);
    expect(renames).toEqual(['autorename: false']);
  });

  it('the local destination removes only its own temp files and markers, never a document path', () => {
    const local = fs.readFileSync(path.join(SRC, 'destinations/local/localFolder.ts'), 'utf8');
    const removals = local.split('\n').filter((l) => /\.(rm|unlink|rmdir)\(/.test(l));
    expect(removals.map((l) => l.trim())).toEqual(['await fsp.rm(file, { force: true });']);
    expect(local).toMatch(/async function discardTempFile\(file: string\)/);
  });
});
