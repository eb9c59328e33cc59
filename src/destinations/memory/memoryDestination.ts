// A destination that lives in memory: what the conformance suite checks the contract with, and what the run's own
// tests store into without a disk or a server. Faults are injected unstorage-style, by wrapping it:
// `{ ...memory, put: failingPut }`.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  assertSafeName,
  isSameCopy,
  NameTakenError,
  type Body,
  type Destination,
  type FileIdentity,
  type FolderListing,
  type PutRequest,
  type StoredFile,
} from '../destination.js';

export interface MemoryFile {
  /** "a/b/name" */
  path: string;
  bytes: Buffer;
  /** Null for a file put there behind the program's back. */
  identity: FileIdentity | null;
  location: string;
}

export interface MemoryDestination extends Destination {
  /** Every file, in the order stored. */
  readonly files: MemoryFile[];
  /** Puts a file there behind the program's back (a user, another tool). */
  plant(path: string, bytes: Buffer | string): void;
  /** Removes or truncates a stored file behind the program's back. */
  tamper(path: string, how: 'remove' | 'truncate'): void;
}

export function memoryDestination(id = 'memory'): MemoryDestination {
  const files: MemoryFile[] = [];
  const at = (path: string) => files.find((f) => f.path === path);
  const checksum = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

  return {
    id,
    files,

    async newToken() {
      return randomUUID();
    },

    async put(request: PutRequest): Promise<StoredFile> {
      const path = [...request.folder.map(assertSafeName), assertSafeName(request.name)].join('/');
      const existing = at(path);
      if (existing) {
        const same = isSameCopy({ identity: existing.identity, size: existing.bytes.length }, request.identity) || checksum(existing.bytes) === `sha256:${request.identity.sha256}`;
        if (!same) throw new NameTakenError(request.folder, request.name);
        existing.identity ??= request.identity;
        return { location: existing.location, size: existing.bytes.length, created: false, checksum: checksum(existing.bytes) };
      }
      // Read whole before anything is kept: a body that fails part-way leaves nothing under the name.
      const bytes = readBody(request.body);
      const file = { path, bytes, identity: request.identity, location: `mem:${randomUUID()}` };
      files.push(file);
      return { location: file.location, size: bytes.length, created: true, checksum: checksum(bytes) };
    },

    async list(folder): Promise<FolderListing> {
      const prefix = folder.length === 0 ? '' : `${folder.join('/')}/`;
      const below = files.filter((f) => f.path.startsWith(prefix)).map((f) => ({ file: f, rest: f.path.slice(prefix.length).split('/') }));
      return {
        files: below
          .filter((b) => b.rest.length === 1)
          .map(({ file }) => ({ name: file.path.slice(prefix.length), size: file.bytes.length, location: file.location, checksum: checksum(file.bytes), identity: file.identity })),
        folders: [...new Set(below.filter((b) => b.rest.length > 1).map((b) => b.rest[0]!))],
      };
    },

    async recordIdentities(entries) {
      for (const e of entries) {
        const file = at([...e.folder, e.name].join('/'));
        if (file) file.identity ??= e.identity;
      }
    },

    plant(path, bytes) {
      if (at(path)) throw new Error(`${path} exists`);
      files.push({ path, bytes: Buffer.from(bytes), identity: null, location: `mem:${randomUUID()}` });
    },

    tamper(path, how) {
      const index = files.findIndex((f) => f.path === path);
      if (index < 0) throw new Error(`no file ${path}`);
      if (how === 'remove') files.splice(index, 1);
      else files[index]!.bytes = files[index]!.bytes.subarray(0, files[index]!.bytes.length >> 1);
    },
  };
}

function readBody(body: Body): Buffer {
  return body instanceof Uint8Array ? Buffer.from(body) : fs.readFileSync(body.path);
}
