// Dropbox's two kinds of 429 (auth.stone RateLimitReason):
//  - too_many_requests: the app is calling too often for this user. Modelled as an optional number of writes per
//    sliding window; the answer's retry_after is when the oldest write in the window leaves it.
//  - too_many_write_operations: "too many write operations happening in the user's Dropbox". Every commit into a
//    namespace takes its lock; a commit that arrives while another holds it is refused (rclone's batcher note: "you
//    may only have one batch being committed and must wait for the batch to be finished before committing another").
//    A commit holds the lock for `commitMs`, so overlapping commits are possible at all; `contend(n)` makes the
//    next n commits meet a lock held by someone else (the Dropbox desktop client, another app).
import { rateLimited } from './errors.js';

export class WriteWindow {
  private readonly stamps: number[] = [];

  constructor(
    private readonly writes: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one write, or refuses it with the seconds to wait. Refused writes are not counted. */
  take(): void {
    if (this.writes <= 0) return;
    const t = this.now();
    while (this.stamps.length > 0 && this.stamps[0]! <= t - this.windowMs) this.stamps.shift();
    if (this.stamps.length >= this.writes) {
      throw rateLimited('too_many_requests', Math.max(1, Math.ceil((this.stamps[0]! + this.windowMs - t) / 1000)));
    }
    this.stamps.push(t);
  }
}

export class NamespaceLock {
  private held = false;
  private contended = 0;
  private contendedRetryAfter = 1;

  constructor(private readonly commitMs: number) {}

  contend(commits: number, retryAfterSeconds: number): void {
    this.contended = commits;
    this.contendedRetryAfter = retryAfterSeconds;
  }

  /** Runs one commit under the namespace's lock, or refuses it as Dropbox does when the lock is taken. */
  async commit<T>(work: () => T): Promise<T> {
    if (this.contended > 0) {
      this.contended--;
      throw rateLimited('too_many_write_operations', this.contendedRetryAfter);
    }
    if (this.held) throw rateLimited('too_many_write_operations', 1);
    this.held = true;
    try {
      if (this.commitMs > 0) await new Promise((r) => setTimeout(r, this.commitMs));
      return work();
    } finally {
      this.held = false;
    }
  }
}
