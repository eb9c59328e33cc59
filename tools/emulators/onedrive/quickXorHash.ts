// QuickXorHash as Microsoft specifies it (onedrive dev center, "code-snippets/quickxorhash"): a 160-bit register;
// byte n of the content is XORed into it at bit offset (n * 11) mod 160, wrapping around the register's end; the
// content length, as a 64-bit little-endian number, is XORed into the register's last 8 bytes; the result is the
// 20 bytes, little-endian, in base64. Written here bit by bit, the way the definition reads, so that it checks the
// product's faster implementation (src/destinations/onedrive/quickXorHash.ts) rather than repeating it.
const WIDTH_BITS = 160;
const SHIFT = 11;

export function quickXorHash(content: Uint8Array): string {
  const register = new Uint8Array(WIDTH_BITS / 8);
  let offset = 0;
  for (const byte of content) {
    const at = offset >> 3;
    const bit = offset & 7;
    register[at]! ^= (byte << bit) & 0xff;
    if (bit > 0) register[(at + 1) % register.length]! ^= byte >> (8 - bit);
    offset = (offset + SHIFT) % WIDTH_BITS;
  }
  let length = BigInt(content.length);
  for (let i = register.length - 8; i < register.length; i++) {
    register[i]! ^= Number(length & 0xffn);
    length >>= 8n;
  }
  return Buffer.from(register).toString('base64');
}
