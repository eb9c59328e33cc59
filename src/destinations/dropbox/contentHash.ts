// Dropbox's content hash (developers/reference/content-hash): the bytes in 4 MiB blocks, SHA-256 of each block,
// SHA-256 of the concatenated digests, in hex. Sent with every upload, Dropbox refuses bytes that arrived damaged;
// returned in every FileMetadata, it tells whether a file already there holds exactly our bytes.
import { createHash, type Hash } from 'node:crypto';
import { fileChunks } from '../../lib/fileChunks.js';
import type { Body } from '../destination.js';

export const HASH_BLOCK = 4 * 1024 * 1024;

/** Fed chunk by chunk, of any sizes: a spooled orders CSV is never held whole. */
export class DropboxContentHasher {
  private readonly overall = createHash('sha256');
  private block: Hash = createHash('sha256');
  private inBlock = 0;

  update(chunk: Uint8Array): this {
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(HASH_BLOCK - this.inBlock, chunk.length - at);
      this.block.update(chunk.subarray(at, at + take));
      this.inBlock += take;
      at += take;
      if (this.inBlock === HASH_BLOCK) this.endBlock();
    }
    return this;
  }

  digest(): string {
    if (this.inBlock > 0) this.endBlock();
    return this.overall.digest('hex');
  }

  private endBlock(): void {
    this.overall.update(this.block.digest());
    this.block = createHash('sha256');
    this.inBlock = 0;
  }
}

export async function dropboxContentHash(body: Body): Promise<string> {
  const hasher = new DropboxContentHasher();
  if (body instanceof Uint8Array) return hasher.update(body).digest();
  for await (const chunk of fileChunks(body.path)) hasher.update(chunk);
  return hasher.digest();
}
