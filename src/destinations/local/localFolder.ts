import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { crashPoint } from '../../lib/crashPoint.js';
import { DestinationFullError } from '../../lib/errors.js';
import { fileChunks } from '../../lib/fileChunks.js';
import { makeFolders, whyNotWritable } from '../../lib/folders.js';
import {
  assertSafeName,
  isSameCopy,
  NameTakenError,
  type Body,
  type Destination,
  type FolderListing,
  type ListedFile,
  type PutRequest,
  type StoredFile,
} from '../destination.js';
import { STATE_FOLDER } from '../inventory.js';
import { Journal } from './journal.js';

// Our own bookkeeping beside the backup tree, in STATE_FOLDER: the journal of identities, temp files being written,
// and the token markers of older versions (one file per document), still honoured. Nothing in there is a document.

/**
 * A folder on a local or mounted file system. Writes are atomic: bytes go to a temp file, are fsynced, and are
 * hard-linked to the final name, which fails instead of replacing an existing file. A kill at any instant leaves
 * either no file or the whole file under the final name, and its identity is in the journal before it appears.
 */
export function localFolderDestination(root: string): Destination {
  const rootDir = path.resolve(root);
  const stateDir = path.join(rootDir, STATE_FOLDER);
  const tmpDir = path.join(stateDir, 'tmp');
  const legacyTokenDir = path.join(stateDir, 'tokens');
  const journal = new Journal(path.join(stateDir, 'journal.jsonl'));
  let prepared: Promise<void> | null = null;
  // Folders stored into this run, listed again at its end (a local listing costs nothing).
  const written = new Map<string, readonly string[]>();

  const prepare = () =>
    (prepared ??= (async () => {
      makeFolders(tmpDir);
      await discardStaleTempFiles(tmpDir);
    })());

  const relativeOf = (folder: readonly string[], name: string) => [...folder.map(assertSafeName), assertSafeName(name)].join('/');

  return {
    id: `local:${rootDir}`,

    async newToken() {
      return randomUUID();
    },

    async check() {
      // A folder that cannot be written is found here, before the account is read, not once per document; and
      // without writing anything, so that a dry run can ask too.
      const why = whyNotWritable(rootDir);
      if (why) throw new DestinationFullError(`cannot write to ${rootDir}: ${why}`);
    },

    async put(request: PutRequest): Promise<StoredFile> {
      await prepare();
      const relative = relativeOf(request.folder, request.name);
      const dir = resolveInside(rootDir, request.folder);
      const finalPath = path.join(dir, request.name);
      const stored = (size: number, created: boolean): StoredFile => ({ location: relative, size, created, checksum: `sha256:${request.identity.sha256}` });

      const existing = await statOrNull(finalPath);
      if (existing) {
        if (isSameCopy({ identity: await journal.identityOf(relative), size: existing.size }, request.identity)) return stored(existing.size, false);
        // A reservation made by an older version of this program, which kept a marker file per token.
        if ((await readOrNull(path.join(legacyTokenDir, assertSafeName(request.identity.token)))) === relative) {
          await journal.append([{ path: relative, identity: request.identity }]);
          return stored(existing.size, false);
        }
        // Exactly these bytes (stored before identities were kept, then found again): the same document.
        if (existing.size === request.identity.size && (await sha256OfFile(finalPath)) === request.identity.sha256) {
          await journal.append([{ path: relative, identity: request.identity }]);
          return stored(existing.size, false);
        }
        throw new NameTakenError(request.folder, request.name);
      }

      makeFolders(dir);
      written.set(dir, request.folder);
      const tmpPath = path.join(tmpDir, `${randomUUID()}.part`);
      try {
        await writeDurably(tmpPath, request.body);
        await journal.append([{ path: relative, identity: request.identity }]);
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
      return stored((await fsp.stat(finalPath)).size, true);
    },

    async list(folder, options = {}): Promise<FolderListing> {
      const dir = resolveInside(rootDir, folder);
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], folders: [] };
        throw error;
      }
      const files = await Promise.all(
        entries
          .filter((e) => e.isFile())
          .map(async (e): Promise<ListedFile> => {
            const file = path.join(dir, e.name);
            const relative = relativeOf(folder, e.name);
            return {
              name: e.name,
              size: (await fsp.stat(file)).size,
              location: relative,
              checksum: options.checksums ? `sha256:${await sha256OfFile(file)}` : null,
              identity: await journal.identityOf(relative),
            };
          }),
      );
      const folders = entries.filter((e) => e.isDirectory() && !(folder.length === 0 && e.name === STATE_FOLDER)).map((e) => e.name);
      return { files, folders };
    },

    async foldersSeen() {
      return Promise.all([...written].map(async ([dir, folder]) => ({ folder, names: new Set(await fsp.readdir(dir).catch(() => [])) })));
    },

    async recordIdentities(files) {
      await prepare();
      await journal.append(files.map((f) => ({ path: relativeOf(f.folder, f.name), identity: f.identity })));
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

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fileChunks(file)) hash.update(chunk);
  return hash.digest('hex');
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
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
}
