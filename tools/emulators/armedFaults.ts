// What the emulators' fault queues share: faults are armed for a number of matching requests, and each request
// takes at most the first armed one that matches it (and that the taker accepts). Each emulator says what a match is.

export interface FaultHandle {
  /** How many more matching requests this fault will hit. */
  remaining(): number;
  cancel(): void;
}

export class ArmedFaults<F extends { times?: number }, R> {
  private readonly armed: { fault: F; left: number }[] = [];

  constructor(private readonly matches: (fault: F, request: R) => boolean) {}

  add(fault: F): FaultHandle {
    const a = { fault, left: fault.times ?? 1 };
    this.armed.push(a);
    return {
      remaining: () => a.left,
      cancel: () => {
        a.left = 0;
      },
    };
  }

  /** Takes the first armed fault that matches this request and that `accept` wants. */
  take(request: R, accept: (fault: F) => boolean = () => true): F | undefined {
    for (const a of this.armed) {
      if (a.left > 0 && this.matches(a.fault, request) && accept(a.fault)) {
        a.left--;
        return a.fault;
      }
    }
    return undefined;
  }
}
