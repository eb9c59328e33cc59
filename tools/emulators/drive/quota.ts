// Per-user write quota: Google keeps sustained creates/uploads to about 3 per second per account and answers
// 403 userRateLimitExceeded beyond it. A sliding one-second window over the emulator's clock, so a test with an
// injected clock can exercise it deterministically. Rejected writes are not counted, so backing off works.
export class WriteQuota {
  private readonly stamps: number[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {}

  /** True when one more write may go through now (and records it). */
  tryTake(): boolean {
    if (this.perSecond <= 0) return true;
    const t = this.now();
    while (this.stamps.length > 0 && this.stamps[0]! <= t - 1000) this.stamps.shift();
    if (this.stamps.length >= this.perSecond) return false;
    this.stamps.push(t);
    return true;
  }
}
