import { vi } from 'vitest';

/**
 * Polls until `probe` returns a value (not undefined) and returns it, or fails after timeoutMs
 * naming what was awaited: vitest's `vi.waitFor`, for probes that answer "not yet" with undefined.
 */
export function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (value === undefined) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
      return value;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}
