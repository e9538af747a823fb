/**
 * The request path of one process: the HTTP requests and gRPC calls it is serving right now.
 * Background work in the same process (the outbox relay, the consumer) lets it go first. On two
 * cores a relay that publishes, or a consumer that applies a batch, while the request that caused
 * it is still running makes that request wait for the event loop and for a core (issue 26). The
 * wait is bounded, so a process under steady load still does its background work, in bigger batches.
 */
export interface Foreground {
  /** A request or call started; pair with `leave()`. */
  enter(): void;
  leave(): void;
  /** Resolves at once when nothing is in flight, else when the last one ends or after `maxWaitMs`. */
  quiet(maxWaitMs?: number): Promise<void>;
  readonly inFlight: number;
}

export function createForeground(defaultMaxWaitMs = 50): Foreground {
  let inFlight = 0;
  let waiters: (() => void)[] = [];

  const release = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  return {
    enter() {
      inFlight += 1;
    },
    leave() {
      inFlight = Math.max(0, inFlight - 1);
      // The next turn of the event loop: the answer's bytes go out before background work starts.
      if (inFlight === 0 && waiters.length > 0) setImmediate(release);
    },
    quiet(maxWaitMs = defaultMaxWaitMs) {
      if (inFlight === 0 || maxWaitMs <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, maxWaitMs);
        function done() {
          clearTimeout(timer);
          waiters = waiters.filter((waiter) => waiter !== done);
          resolve();
        }
        waiters.push(done);
      });
    },
    get inFlight() {
      return inFlight;
    },
  };
}

/** For background work with no request path beside it (tests, tools): never waits. */
export const noForeground: Foreground = {
  enter: () => undefined,
  leave: () => undefined,
  quiet: () => Promise.resolve(),
  inFlight: 0,
};
