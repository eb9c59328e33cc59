// Dropbox's content hash (https://www.dropbox.com/developers/reference/content-hash): split the bytes into 4 MiB
// blocks, SHA-256 each block, concatenate the binary digests, SHA-256 that, hex. The emulator keeps its own copy
// (tools import nothing from src/) so that a mistake in the product's hasher cannot hide behind the same mistake here.
import { createHash } from 'node:crypto';

export const HASH_BLOCK = 4 * 1024 * 1024;

export function contentHash(bytes: Buffer): string {
  const overall = createHash('sha256');
  for (let at = 0; at < bytes.length; at += HASH_BLOCK) {
    overall.update(createHash('sha256').update(bytes.subarray(at, at + HASH_BLOCK)).digest());
  }
  return overall.digest('hex');
}
