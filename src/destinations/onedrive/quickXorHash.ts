// QuickXorHash, the content hash OneDrive reports for every file on personal and business drives alike
// (file.hashes.quickXorHash), so a stored file can be recognised as ours by its content. Microsoft's definition:
// byte n is XORed into a 160-bit register at bit offset (n * 11) mod 160; the length, 64-bit little-endian, is
// XORed into the last 8 bytes; the 20 bytes are given in base64. Since 160 bytes * 11 bits is a whole number of
// turns round the register, byte n and byte n + 160 land at the same offset: they are XORed together first, into
// one of 160 cells, and the cells are folded into the register once at the end (rclone folds the same way).
import { fileChunks } from '../../lib/fileChunks.js';
import type { Body } from '../destination.js';

const CELLS = 160;
const SHIFT = 11;
const REGISTER_BYTES = 20;

export class QuickXorHash {
  private readonly cells = new Uint8Array(CELLS);
  private position = 0;
  private length = 0;

  update(bytes: Uint8Array): this {
    const cells = this.cells;
    let pos = this.position;
    for (let i = 0; i < bytes.length; ) {
      const run = Math.min(bytes.length - i, CELLS - pos);
      for (let k = 0; k < run; k++) cells[pos + k]! ^= bytes[i + k]!;
      i += run;
      pos = (pos + run) % CELLS;
    }
    this.position = pos;
    this.length += bytes.length;
    return this;
  }

  /** The base64 digest, as Graph reports it. */
  digest(): string {
    // One spare byte takes what spills past the register's end; it wraps round to the first.
    const register = new Uint8Array(REGISTER_BYTES + 1);
    for (let i = 0; i < CELLS; i++) {
      const offset = (i * SHIFT) % (REGISTER_BYTES * 8);
      const shifted = this.cells[i]! << (offset & 7);
      register[offset >> 3]! ^= shifted & 0xff;
      register[(offset >> 3) + 1]! ^= shifted >> 8;
    }
    register[0]! ^= register[REGISTER_BYTES]!;
    let length = this.length;
    for (let i = REGISTER_BYTES - 8; i < REGISTER_BYTES; i++) {
      register[i]! ^= length % 256;
      length = Math.floor(length / 256);
    }
    return Buffer.from(register.subarray(0, REGISTER_BYTES)).toString('base64');
  }
}

/** The QuickXorHash of a body in memory or of a spooled file, read in chunks. */
export async function quickXorHashOf(body: Body): Promise<string> {
  const hash = new QuickXorHash();
  if (body instanceof Uint8Array) return hash.update(body).digest();
  for await (const chunk of fileChunks(body.path)) hash.update(chunk);
  return hash.digest();
}
