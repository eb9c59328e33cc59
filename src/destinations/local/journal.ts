// The local folder's own bookkeeping: one append-only file of identities beside the backup tree, friendlier to a
// tool that syncs the folder elsewhere than a file per document. A line is appended, and fsynced, before the
// document's file appears under its name, so a file of ours never exists without its line. A line without a file
// (a run killed in between) is harmless: identities are only ever read for files that exist.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { FileIdentity } from '../destination.js';
import { identityFromJson } from '../identityJson.js';

export interface JournalEntry {
  /** Path of the file relative to the destination's root, with "/" separators. */
  path: string;
  identity: FileIdentity;
}

export class Journal {
  private byPath: Map<string, FileIdentity> | null = null;
  private appending: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** The identity last recorded for a path, or null. */
  async identityOf(relativePath: string): Promise<FileIdentity | null> {
    return (await this.load()).get(relativePath) ?? null;
  }

  /** Appends lines and fsyncs them; lines from concurrent puts never interleave. */
  append(entries: readonly JournalEntry[]): Promise<void> {
    const turn = this.appending.then(() => this.write(entries));
    this.appending = turn.catch(() => undefined);
    return turn;
  }

  private async write(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const lines = entries.map((e) => JSON.stringify({ v: 1, path: e.path, ...e.identity })).join('\n');
    const handle = await fsp.open(this.file, 'a+', 0o644);
    try {
      // A line cut short by a kill must not swallow the next one.
      const { size } = await handle.stat();
      const tail = size > 0 ? (await handle.read(Buffer.alloc(1), 0, 1, size - 1)).buffer.toString('latin1') : '\n';
      await handle.writeFile(`${tail === '\n' ? '' : '\n'}${lines}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const map = await this.load();
    for (const e of entries) map.set(e.path, e.identity);
  }

  private async load(): Promise<Map<string, FileIdentity>> {
    if (this.byPath) return this.byPath;
    const map = new Map<string, FileIdentity>();
    let text = '';
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (entry) map.set(entry.path, entry.identity);
    }
    this.byPath ??= map;
    return this.byPath;
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }
}

/** A line, or null for one that is torn, foreign or from a newer format. */
export function parseLine(line: string): JournalEntry | null {
  if (!line.trim()) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const identity = identityFromJson(raw);
  if (raw.v !== 1 || typeof raw.path !== 'string' || !raw.path || !identity) return null;
  return { path: raw.path, identity };
}
