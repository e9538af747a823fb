import type { EventLogger } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';

export const quiet: EventLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
export const issuer = createTestTokenIssuer();
export const bearer = (role: 'admin' | 'staff' | 'doctor' | 'patient') => ({ authorization: `Bearer ${issuer.token({ role })}` });

/** Polls until `probe` returns something truthy; never a fixed sleep. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
