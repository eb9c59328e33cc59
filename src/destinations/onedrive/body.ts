import fsp from 'node:fs/promises';
import type { Body } from '../destination.js';

/** Bytes [start, end) of a body, from memory or from its spooled file: one upload fragment at a time. */
export async function bodyRange(body: Body, start: number, end: number): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body.subarray(start, end);
  const handle = await fsp.open(body.path, 'r');
  try {
    const bytes = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
    if (bytesRead !== bytes.length) throw new Error(`${body.path} is shorter than the ${body.size} bytes it was spooled with`);
    return bytes;
  } finally {
    await handle.close();
  }
}
