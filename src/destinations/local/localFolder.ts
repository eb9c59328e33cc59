import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { crashPoint } from '../../lib/crashPoint.js';
import { fileChunks } from '../../lib/fileChunks.js';
import { assertSafeName, NameTakenError, type Body, type Destination, type ListedFile, type PutRequest, type StoredFile } from '../destination.js';

// Our own bookkeeping beside the backup tree: temp files being written, and one marker per token recording where
// that token's file was put. Nothing in here is a document.
const STATE_DIR = '.baselinker-backup';

/**
 * A folder on a local or mounted file system. Writes are atomic: bytes go to a temp file, are fsynced, and are
 * hard-linked to the final name, which fails instead of replacing an existing file. A kill at any instant leaves
 * either no file or the whole file under the final name.
 */
export function localFolderDestination(root: string): Destination {
  const rootDir = path.resolve(root);
  const tmpDir = path.join(rootDir, STATE_DIR, 'tmp');
  const tokenDir = path.join(rootDir, STATE_DIR, 'tokens');
  let prepared: Promise<void> | null = null;

  const prepare = () =>
    (prepared ??= (async () => {
      await fsp.mkdir(tmpDir, { recursive: true });
      await fsp.mkdir(tokenDir, { recursive: true });
      await discardStaleTempFiles(tmpDir);
    })());

  return {
    id: `local:${rootDir}`,

    async newToken() {
      return randomUUID();
    },

    async put(request: PutRequest): Promise<StoredFile> {
      await prepare();
      const dir = resolveInside(rootDir, request.folder);
      const finalPath = path.join(dir, assertSafeName(request.name));
      const relative = path.relative(rootDir, finalPath);
      const marker = path.join(tokenDir, assertSafeName(request.token));

      const existing = await statOrNull(finalPath);
      if (existing) {
        if ((await readOrNull(marker)) === relative) return { location: relative, size: existing.size, created: false };
        throw new NameTakenError(request.folder, request.name);
      }

      await fsp.mkdir(dir, { recursive: true });
      const tmpPath = path.join(tmpDir, `${randomUUID()}.part`);
      try {
        await writeDurably(tmpPath, request.body);
        await writeMarker(marker, relative, tmpDir);
        try {
          await fsp.link(tmpPath, finalPath);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new NameTakenError(request.folder, request.name);
          throw error;
        }
        await fsyncDir(dir);
      } finally {
        await discardTempFile(tmpPath);
      }
      const size = (await fsp.stat(finalPath)).size;
      return { location: relative, size, created: true };
    },

    async list(folder): Promise<ListedFile[]> {
      const dir = resolveInside(rootDir, folder);
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const files = entries.filter((e) => e.isFile());
      return Promise.all(files.map(async (e) => ({ name: e.name, size: (await fsp.stat(path.join(dir, e.name))).size })));
    },

    async holdsBackup() {
      try {
        return (await fsp.readdir(tokenDir)).length > 0;
      } catch (error) {
        // Nothing there, or a path that cannot hold anything (put says why, document by document).
        if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
        throw error;
      }
    },
  };
}

/** Folder names come from our own naming, but a path must never climb out of the root, whatever they hold. */
function resolveInside(root: string, folder: readonly string[]): string {
  const dir = path.join(root, ...folder.map(assertSafeName));
  if (dir !== root && !dir.startsWith(root + path.sep)) throw new Error(`refusing to write outside ${root}`);
  return dir;
}

async function writeDurably(file: string, body: Body): Promise<void> {
  const handle = await fsp.open(file, 'wx', 0o644);
  try {
    // writeFile, not write: write() may store fewer bytes than it was given (a nearly full disk) and say so only in
    // its return value; writeFile carries on or throws.
    if (body instanceof Uint8Array) {
      const half = body.byteLength >> 1;
      await handle.writeFile(body.subarray(0, half));
      crashPoint('mid-write');
      await handle.writeFile(body.subarray(half));
    } else {
      let first = true;
      for await (const chunk of fileChunks(body.path)) {
        await handle.writeFile(chunk);
        if (first) crashPoint('mid-write');
        first = false;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeMarker(marker: string, relative: string, tmpDir: string): Promise<void> {
  const tmp = path.join(tmpDir, `${randomUUID()}.marker`);
  await writeDurably(tmp, Buffer.from(relative));
  await fsp.rename(tmp, marker);
  // The rename itself must survive a power cut too: a file without its marker would be stored again under a new name.
  await fsyncDir(path.dirname(marker));
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes one of our own temp files (never a document: documents are only ever reached through a link). */
async function discardTempFile(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
}

/** Temp files left by a killed run are unfinished copies; the single-run lock guarantees no writer owns them. */
async function discardStaleTempFiles(tmpDir: string): Promise<void> {
  for (const name of await fsp.readdir(tmpDir)) await discardTempFile(path.join(tmpDir, name));
}

async function statOrNull(file: string): Promise<fs.Stats | null> {
  try {
    return await fsp.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
