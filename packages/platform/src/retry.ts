// Waiting and retrying, for every loop that polls or retries (relay, consumers, delivery workers).

/** Resolves after `ms`, or as soon as `signal` aborts (shutdown must not wait out a backoff). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with ±20 % jitter, so replicas do not retry in lockstep. */
export const backoff = (attempt: number, initialMs: number, maxMs: number) =>
  Math.round(Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1)) * (0.8 + Math.random() * 0.4));
