import type { Locator, Page } from 'playwright-core';
import { expect, vi } from 'vitest';

// Steps every browser walk takes, as a user would: sign in, fill labelled fields, pick a patient.

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
export const attributeOf = (locator: Locator, name: string) => expect.poll(() => locator.getAttribute(name), { timeout: 30_000 });

/** Types into labelled fields of a form (or page), in order. */
export async function fillIn(scope: Page | Locator, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) await scope.getByLabel(label, { exact: false }).fill(value);
}

/** The patient picker: search by name, then choose the record once the search found it. */
export async function choosePatient(scope: Page | Locator, patient: { name: string; email: string }) {
  await scope.getByLabel('Find patient').fill(patient.name);
  await scope.locator('option', { hasText: patient.email }).waitFor({ state: 'attached' });
  await scope.getByLabel('Patient', { exact: true }).selectOption({ label: `${patient.name} (${patient.email})` });
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
