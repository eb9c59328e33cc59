import { describe, expect, it } from 'vitest';
import { mostSevere } from '../../src/cli/runCommand.js';
import { chosenShard, shardOf } from '../../src/cli/shard.js';
import { ExitCode } from '../../src/lib/errors.js';

describe('shards and the exit code of several accounts', () => {
  it('puts every account in exactly one shard, by its id alone, the same every night', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `client-${i}`);
    for (const count of [1, 2, 3, 7]) {
      const shards = ids.map((id) => shardOf(id, count));
      expect(shards.every((s) => Number.isInteger(s) && s >= 0 && s < count)).toBe(true);
      // Spread out: no shard is empty, none holds more than twice its share.
      for (let i = 0; i < count; i++) expect(shards.filter((s) => s === i).length).toBeLessThan((2 * ids.length) / count);
    }
    // A documented, stable function: FNV-1a (32 bits) of the id's UTF-8 bytes, modulo the count.
    expect(['alfa', 'beta', 'gamma', 'delta', 'epsilon-2'].map((id) => shardOf(id, 3))).toEqual([0, 2, 0, 1, 0]);
    // The published FNV-1a test vector: 'a' hashes to 0xe40c292c.
    expect(shardOf('a', 2 ** 32 - 1)).toBe(0xe40c292c % (2 ** 32 - 1));
  });

  it('reads --shard, BACKUP_SHARD, or a Kubernetes Indexed Job index with BACKUP_SHARD_COUNT', () => {
    expect(chosenShard(undefined, {})).toBeNull();
    expect(chosenShard('1/3', { BACKUP_SHARD: '0/2' })).toEqual({ index: 1, count: 3 });
    expect(chosenShard(undefined, { BACKUP_SHARD: '0/2' })).toEqual({ index: 0, count: 2 });
    expect(chosenShard(undefined, { BACKUP_SHARD_COUNT: '4', JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(() => chosenShard('3/3', {})).toThrow('--shard must be a shard from 0 to 2 (got "3")');
    expect(() => chosenShard('x', {})).toThrow(/--shard must be i\/n/);
    expect(() => chosenShard(undefined, { BACKUP_SHARD_COUNT: '4' })).toThrow(/JOB_COMPLETION_INDEX is not/);
    expect(() => chosenShard(undefined, { BACKUP_SHARD_COUNT: '4', JOB_COMPLETION_INDEX: '4' })).toThrow(/JOB_COMPLETION_INDEX must be a shard from 0 to 3/);
  });

  it('several accounts exit with the most severe of their codes, in the order 1, 5, 3, 4, then 0', () => {
    const worst = (...codes: ExitCode[]) => codes.reduce<ExitCode>((w, c) => mostSevere(w, c), ExitCode.ok);
    expect(worst(0, 4, 3)).toBe(3);
    expect(worst(3, 5, 4, 0)).toBe(5);
    expect(worst(5, 1, 3)).toBe(1);
    expect(worst(4, 0)).toBe(4);
    expect(worst(0, 0)).toBe(0);
  });
});
