import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@pms/devstack';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { vi } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`): Playwright's own browser download does not work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * `npm run screenshots` (UPDATE_SCREENSHOTS=1) writes the README's pictures; every other run takes
 * them too, into a scratch folder, so `npm test` and CI leave the tree as it was.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'screenshots') : join(tmpdir(), 'pms-console-screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  /** Every console error and uncaught exception of the page so far. */
  errors: string[];
  /** Takes errors the test caused on purpose (a 400 it provoked) out of `errors`, once the browser logged them. */
  expectErrors(pattern: RegExp): Promise<void>;
  /** Writes <name>.png (into docs/screenshots with UPDATE_SCREENSHOTS=1); `fullPage` for screens longer than the window. */
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<void>;
}

/** A fresh browser profile (no cache, no storage) on one page that records console errors. */
export async function openTab(browser: Browser, baseURL: string): Promise<Tab> {
  // Reduced motion: modals open and close without transitions, so screenshots never catch one half-faded.
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 }, locale: 'en-GB', reducedMotion: 'reduce' });
  // Generous: the suite shares two cores with everything else CI runs.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    // A failed resource load says only its status: the URL tells which request it was.
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return {
    page,
    context,
    errors,
    async expectErrors(pattern) {
      // The page may show the failure a moment before the browser reports the failed request.
      await vi.waitFor(
        () => {
          if (!errors.some((error) => pattern.test(error))) throw new Error(`expected a console error matching ${pattern}, got ${JSON.stringify(errors)}`);
        },
        { timeout: 10_000, interval: 100 },
      );
      errors.splice(0, errors.length, ...errors.filter((error) => !pattern.test(error)));
    },
    async screenshot(name, options) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      // Let fonts and transitions settle so the picture shows what a user sees.
      await page.waitForLoadState('networkidle');
      // A full-page picture of a scrolled page draws the fixed header where the scroll left it.
      if (options?.fullPage) await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options?.fullPage ?? false, animations: 'disabled' });
    },
  };
}
