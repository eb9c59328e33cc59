// Sending a body into an upload session, chunk by chunk: upload_session/start with the first chunk (closing the
// session when it is the only one), then append_v2 for the rest, the last one closing it. Each request carries the
// content hash of its own bytes. When an append's answer is lost and the retry hears incorrect_offset, Dropbox names
// the offset it has: the bytes arrived, and sending goes on from there instead of failing or sending them twice.
import fs from 'node:fs';
import type { Body } from '../destination.js';
import { bodySize } from '../destination.js';
import { DropboxContentHasher } from './contentHash.js';
import type { DropboxApi } from './dropboxApi.js';
import { DropboxRouteError } from './errors.js';
import { unexpected } from './wire.js';

/** 8 MiB: a multiple of the 4 MiB hash block, and far below the 150 MiB a request may carry. */
export const CHUNK_SIZE = 8 * 1024 * 1024;

export interface ClosedSession {
  sessionId: string;
  size: number;
}

export async function sendToSession(api: DropboxApi, body: Body, chunkSize = CHUNK_SIZE): Promise<ClosedSession> {
  const size = bodySize(body);
  const first = await readRange(body, 0, Math.min(chunkSize, size));
  const started = await api.upload('files/upload_session/start', { close: first.length === size, content_hash: hashOf(first) }, first);
  const sessionId = (started as { session_id?: unknown } | null)?.session_id;
  if (typeof sessionId !== 'string') throw unexpected('files/upload_session/start', 'no session_id');
  for (let offset = first.length; offset < size; ) {
    const chunk = await readRange(body, offset, Math.min(offset + chunkSize, size));
    offset = await append(api, sessionId, offset, chunk, offset + chunk.length === size);
  }
  return { sessionId, size };
}

/** Appends one chunk; returns the offset after it. */
async function append(api: DropboxApi, sessionId: string, offset: number, chunk: Buffer, close: boolean): Promise<number> {
  const end = offset + chunk.length;
  for (let from = offset; ; ) {
    const part = chunk.subarray(from - offset);
    try {
      await api.upload('files/upload_session/append_v2', { cursor: { session_id: sessionId, offset: from }, close, content_hash: hashOf(part) }, part);
      return end;
    } catch (error) {
      const correct = correctOffset(error);
      // Dropbox has more than we thought (an answer was lost): go on from there, within this chunk only.
      if (correct === null || correct <= from || correct > end) throw error;
      if (correct === end) return end;
      from = correct;
    }
  }
}

function correctOffset(error: unknown): number | null {
  if (!(error instanceof DropboxRouteError) || !error.has('incorrect_offset')) return null;
  const value = (error.error as { correct_offset?: unknown }).correct_offset;
  return typeof value === 'number' ? value : null;
}

function hashOf(bytes: Uint8Array): string {
  return new DropboxContentHasher().update(bytes).digest();
}

export async function readRange(body: Body, start: number, end: number): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset + start, end - start);
  const handle = await fs.promises.open(body.path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    if (bytesRead !== end - start) throw new Error(`${body.path} is shorter than its recorded ${body.size} bytes`);
    return buffer;
  } finally {
    await handle.close();
  }
}
