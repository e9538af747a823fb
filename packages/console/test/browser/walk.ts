import type { Locator, Page } from 'playwright-core';
import { expect, vi } from 'vitest';

/**
 * Reloads the page until the probe finds what the asynchronous parts of the system (events)
 * produce: polled, bounded, and the failure names what never appeared.
 */
export async function reloadUntil(page: Page, what: string, probe: () => Promise<boolean>, timeoutMs = 120_000) {
  let first = true;
  await vi.waitFor(
    async () => {
      if (!first) await page.reload({ waitUntil: 'networkidle' });
      first = false;
      if (!(await probe())) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 1_000 },
  );
}

/** The count a locator settles on: React renders after the event that changed it. */
export const countOf = (locator: Locator) => expect.poll(() => locator.count(), { timeout: 30_000 });

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
