// A requests-per-window limit in the way Microsoft describes throttling ("avoid getting throttled or blocked in
// SharePoint Online"): over the limit, 429 (or 503) with Retry-After in seconds, and requests made while throttled
// still count, so a client that ignores Retry-After keeps itself blocked.
export interface ThrottleOptions {
  /** Requests allowed in any window. */
  limit: number;
  windowMs: number;
  /** 429 (default) or 503. */
  status?: 429 | 503;
}

export class Throttle {
  private readonly arrivals: number[] = [];

  constructor(
    private readonly o: ThrottleOptions,
    private readonly now: () => number,
  ) {}

  /** Counts a request; returns the seconds to wait when it is over the limit, else undefined. */
  admit(): number | undefined {
    const t = this.now();
    while (this.arrivals.length > 0 && this.arrivals[0]! <= t - this.o.windowMs) this.arrivals.shift();
    this.arrivals.push(t);
    if (this.arrivals.length <= this.o.limit) return undefined;
    // The next request is admitted once all but the newest limit - 1 arrivals have aged out of its window.
    const freeAt = this.arrivals[this.arrivals.length - this.o.limit]! + this.o.windowMs;
    return Math.max(1, Math.ceil((freeAt - t) / 1000));
  }

  get status(): 429 | 503 {
    return this.o.status ?? 429;
  }
}
