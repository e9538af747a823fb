import { setTimeout as delay } from 'node:timers/promises';

/** Thrown from a retryUntil probe to stop retrying at once (e.g. the process died). */
export class Fatal extends Error {}

/**
 * Polls `probe` until it resolves. Readiness is observed, never assumed after a fixed sleep;
 * the short pause between attempts only keeps the loop from spinning.
 */
export async function retryUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T>, pauseMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (err instanceof Fatal) throw new Error(`${what} failed to start: ${err.message}`);
      if (Date.now() > deadline) {
        throw new Error(`${what} not ready after ${timeoutMs} ms: ${(err as Error).message ?? err}`, { cause: err });
      }
    }
    await delay(pauseMs);
  }
}
