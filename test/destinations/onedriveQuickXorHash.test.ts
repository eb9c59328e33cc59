// The product's QuickXorHash against rclone's vectors, and against the emulator's bit-by-bit implementation of
// Microsoft's definition on random data of awkward sizes, fed in awkward chunks.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { QuickXorHash, quickXorHashOf } from '../../src/destinations/onedrive/quickXorHash.js';
import { quickXorHash as reference } from '../../tools/emulators/onedrive/quickXorHash.js';
import { tempDir } from '../helpers/tempDir.js';

// From rclone's backend/onedrive/quickxorhash/quickxorhash_test.go.
const VECTORS: [string, string][] = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
  ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
  ['T6LYJIfDh81JrAK309H2JMJTXis=', 'zBTHrspn3mEcohlJdIUAbjGNaNg='],
  [
    'ikwCorI7PKWz17EI50jZCGbV9JU2E8bXVfxNMg5zdmqSZ2NlsQPp0kqYIPjzwTg1MBtfWPg53k0h0P2naJNEVgrqpoHTfV2b3pJ4m0zYPTJmUX4Bg/lOxcnCxAYKU29Y5F0U8Quz7ZXFBEweftXxJ7RS4r6N7BzJrPsLhY7hgck=',
    'imAoFvCWlDn4yVw3/oq1PDbbm6U=',
  ],
];

describe('QuickXorHash (product)', () => {
  it.each(VECTORS)('of %s is %s', (input, expected) => {
    expect(new QuickXorHash().update(Buffer.from(input, 'base64')).digest()).toBe(expected);
  });

  it.each([1, 159, 160, 161, 1759, 1760, 1761, 100_003])('agrees with the reference on %i random bytes, fed in uneven chunks', (size) => {
    const data = randomBytes(size);
    const hash = new QuickXorHash();
    for (let at = 0, step = 1; at < size; at += step, step = (step * 7 + 3) % 997) hash.update(data.subarray(at, at + step));
    expect(hash.digest()).toBe(reference(data));
  });

  it('hashes a spooled file as it hashes the same bytes in memory', async () => {
    const data = randomBytes(300_001);
    const file = path.join(tempDir(), 'orders.csv');
    fs.writeFileSync(file, data);
    expect(await quickXorHashOf({ path: file, size: data.length })).toBe(await quickXorHashOf(new Uint8Array(data)));
    expect(await quickXorHashOf(new Uint8Array(data))).toBe(reference(data));
  });
});
