// Which accounts one process backs up when several share the work (a Kubernetes Indexed Job's pods, or processes
// started by hand): a stable function of an account's id alone, so every account is in exactly one shard whatever
// the others are, and stays in it from night to night as long as the number of shards does.
import { UsageError } from '../lib/errors.js';

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/** FNV-1a, 32 bits, over the id's UTF-8 bytes; the shard is that number modulo the count. */
export function shardOf(accountId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(accountId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

/**
 * The shard this process works on: `--shard i/n`, else BACKUP_SHARD=i/n, else a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX with BACKUP_SHARD_COUNT=n; null when none is set (every account). `i` counts from 0, as
 * JOB_COMPLETION_INDEX does.
 */
export function chosenShard(option: string | undefined, env: Record<string, string | undefined> = process.env): Shard | null {
  if (option !== undefined) return parseShard(option, '--shard');
  if (env.BACKUP_SHARD) return parseShard(env.BACKUP_SHARD, 'BACKUP_SHARD');
  if (env.BACKUP_SHARD_COUNT) {
    const count = positive(env.BACKUP_SHARD_COUNT, 'BACKUP_SHARD_COUNT');
    if (env.JOB_COMPLETION_INDEX === undefined) throw new UsageError('BACKUP_SHARD_COUNT is set but JOB_COMPLETION_INDEX is not: run as a Kubernetes Indexed Job, or set BACKUP_SHARD=i/n');
    return withIndex(env.JOB_COMPLETION_INDEX, count, 'JOB_COMPLETION_INDEX');
  }
  return null;
}

function parseShard(value: string, where: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) throw new UsageError(`${where} must be i/n, the shard i (from 0) of n shards, e.g. 0/3 (got ${JSON.stringify(value)})`);
  return withIndex(m[1]!, positive(m[2]!, where), where);
}

function withIndex(raw: string, count: number, where: string): Shard {
  const index = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || index >= count) throw new UsageError(`${where} must be a shard from 0 to ${count - 1} (got ${JSON.stringify(raw)})`);
  return { index, count };
}

function positive(raw: string, where: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 10_000) throw new UsageError(`${where} must be a number of shards from 1 to 10000 (got ${JSON.stringify(raw)})`);
  return n;
}
