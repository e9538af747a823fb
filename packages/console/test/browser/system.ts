import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '@pms/devstack';
import type { Browser } from 'playwright-core';
import { afterEach, inject } from 'vitest';
import { launchChromium, type Tab } from './browser.js';

export interface BrowserSystem {
  system: RunningSystem;
  browser: Browser;
  /** Closes the browser, then stops every service. */
  stop(): Promise<void>;
}

/**
 * The whole system as `npm start` runs it (compiled, from dist: `npm run build` first) on the test
 * stack, with databases and a data folder of its own named after `name`, and Chromium beside it.
 * Tracing is off unless `zipkinSpansEndpoint` names a Zipkin to send to.
 */
export async function startBrowserSystem(name: string, options: { zipkinSpansEndpoint?: string } = {}): Promise<BrowserSystem> {
  const [started, launched] = await Promise.allSettled([
    startSystem({
      stack: {
        databaseUrl: inject('databaseUrl'),
        kafkaBrokers: inject('kafkaBrokers').split(','),
        smtp: { host: inject('smtpHost'), port: inject('smtpPort'), apiUrl: inject('smtpApiUrl') },
      },
      dataDir: mkdtempSync(join(tmpdir(), `pms-${name}-`)),
      databasePrefix: `${name}_${Date.now().toString(36)}_`,
      ports: 'random',
      runFrom: 'dist',
      env: { LOG_LEVEL: 'warn', SEED_DEMO_DATA: 'false' },
      onLine: () => undefined,
      zipkinSpansEndpoint: options.zipkinSpansEndpoint,
    }),
    launchChromium(),
  ]);
  const system = started.status === 'fulfilled' ? started.value : undefined;
  const browser = launched.status === 'fulfilled' ? launched.value : undefined;
  const stop = async () => {
    await browser?.close();
    await system?.stop();
  };
  try {
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    // Live is not ready: a service still connecting to PostgreSQL or Kafka answers 503.
    await system!.ready();
  } catch (error) {
    // Whatever did start stops here: the suite's afterAll never sees it.
    await stop().catch(() => undefined);
    throw error;
  }
  return { system: system!, browser: browser!, stop };
}

/** A failed test leaves a full-page picture of every tab, so the log says what the browser showed. */
export function screenshotFailures(tabs: Tab[]): void {
  const failures = mkdtempSync(join(tmpdir(), 'pms-console-failures-'));
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    for (const [index, opened] of tabs.entries()) {
      const path = join(failures, `${task.name.replace(/\W+/g, '-')}-tab${index}.png`);
      await opened.page.screenshot({ path, fullPage: true }).catch(() => undefined);
      console.log(`failure screenshot: ${path} (${opened.page.url()})`);
    }
  });
}
