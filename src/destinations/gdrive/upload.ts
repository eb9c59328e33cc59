import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Body } from '../destination.js';
import { bodySize } from '../destination.js';
import type { DriveApi } from './driveApi.js';
import { headerOf, statusOf } from './errors.js';

/** Above this size a file goes up in resumable chunks; below, in one multipart request. */
export const RESUMABLE_THRESHOLD = 5 * 1024 * 1024;
/** A multiple of 256 KiB, as the protocol requires. */
export const CHUNK_SIZE = 8 * 1024 * 1024;

export interface NewFile {
  id: string;
  name: string;
  parentId: string;
  contentType: string;
  body: Body;
  /** Set in the create request itself: the file never exists without them. */
  appProperties: Record<string, string>;
}

export interface Uploaded {
  id: string;
  size: number;
  /** Drive's SHA-256 of what it received, when it says. */
  sha256: string | null;
}

/** Creates the file with its pre-generated id: one request for a small file, one per chunk for a large one. */
export function uploadNewFile(api: DriveApi, file: NewFile): Promise<Uploaded> {
  return bodySize(file.body) > RESUMABLE_THRESHOLD ? resumableUpload(api, file) : multipartUpload(api, file);
}

async function multipartUpload(api: DriveApi, file: NewFile): Promise<Uploaded> {
  // Small enough to hold: reading it first keeps file errors out of the client's request stream.
  const bytes = file.body instanceof Uint8Array ? Buffer.from(file.body) : await fs.promises.readFile(file.body.path);
  return api.write(`upload ${file.name}`, async (o) => {
    const answer = await api.files.create(
      {
        requestBody: { id: file.id, name: file.name, parents: [file.parentId], mimeType: file.contentType, appProperties: file.appProperties },
        // The client cannot send a Buffer: a stream, fresh for every attempt.
        media: { mimeType: file.contentType, body: Readable.from([bytes]) },
        fields: 'id, size, sha256Checksum',
        supportsAllDrives: true,
      },
      o,
    );
    return { id: answer.data.id ?? file.id, size: Number(answer.data.size ?? bytes.length), sha256: answer.data.sha256Checksum ?? null };
  });
}

/**
 * The resumable protocol (the Node client has none): start a session, send chunks with Content-Range, and after an
 * interruption ask the session how much arrived (`bytes *\/total`) and go on from there instead of starting over.
 */
async function resumableUpload(api: DriveApi, file: NewFile): Promise<Uploaded> {
  const total = bodySize(file.body);
  const sessionUrl = await api.write(`start upload ${file.name}`, async (o) => {
    const answer = await api.auth.request({
      url: `${o.rootUrl}upload/drive/v3/files?uploadType=resumable&supportsAllDrives=true&fields=id,size,sha256Checksum`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=UTF-8', 'X-Upload-Content-Type': file.contentType, 'X-Upload-Content-Length': String(total) },
      data: JSON.stringify({ id: file.id, name: file.name, parents: [file.parentId], mimeType: file.contentType, appProperties: file.appProperties }),
      timeout: o.timeout,
      retry: false,
    });
    const location = headerOf(answer.headers, 'location');
    if (!location) throw new Error('Google Drive started an upload session without a Location');
    return location;
  });

  let offset = 0;
  while (offset < total) {
    const end = Math.min(offset + CHUNK_SIZE, total);
    const chunk = await readRange(file.body, offset, end);
    const from = offset;
    const result = await api.read(`upload ${file.name} bytes ${from}-${end - 1}`, async (o) => {
      try {
        return await sendChunk(api, sessionUrl, chunk, from, total, o.timeout);
      } catch (error) {
        // After a cut connection, ask how much the session kept, and continue from there on the next attempt.
        const kept = await sessionOffset(api, sessionUrl, total, o.timeout).catch(() => null);
        if (kept !== null && kept !== from) return { done: false as const, received: kept };
        throw error;
      }
    });
    if (result.done) return { id: result.id ?? file.id, size: result.size ?? total, sha256: result.sha256 ?? null };
    offset = result.received;
  }
  // The last chunk's answer was lost, yet the session has everything: the file exists under our id.
  return { id: file.id, size: total, sha256: null };
}

type ChunkResult = { done: true; id?: string; size?: number; sha256?: string } | { done: false; received: number };

async function sendChunk(api: DriveApi, url: string, chunk: Buffer, from: number, total: number, timeout: number): Promise<ChunkResult> {
  const answer = await api.auth.request<{ id?: string; size?: string; sha256Checksum?: string }>({
    url,
    method: 'PUT',
    headers: { 'Content-Range': `bytes ${from}-${from + chunk.length - 1}/${total}`, 'Content-Type': 'application/octet-stream' },
    data: chunk,
    timeout,
    retry: false,
    validateStatus: (status) => (status >= 200 && status < 300) || status === 308,
  });
  if (answer.status === 308) return { done: false, received: receivedBytes(headerOf(answer.headers, 'range')) };
  return { done: true, id: answer.data?.id, size: answer.data?.size ? Number(answer.data.size) : undefined, sha256: answer.data?.sha256Checksum };
}

async function sessionOffset(api: DriveApi, url: string, total: number, timeout: number): Promise<number | null> {
  try {
    const answer = await api.auth.request({
      url,
      method: 'PUT',
      headers: { 'Content-Range': `bytes */${total}` },
      timeout,
      retry: false,
      validateStatus: (status) => (status >= 200 && status < 300) || status === 308,
    });
    return answer.status === 308 ? receivedBytes(headerOf(answer.headers, 'range')) : total;
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** "bytes=0-524287" → 524288; no Range header means nothing arrived. */
function receivedBytes(range: string | null): number {
  const m = /bytes=0-(\d+)/.exec(range ?? '');
  return m ? Number(m[1]) + 1 : 0;
}

async function readRange(body: Body, start: number, end: number): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.subarray(start, end));
  const handle = await fs.promises.open(body.path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
