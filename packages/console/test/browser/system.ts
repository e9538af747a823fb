import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, type RunningSystem } from '@pms/devstack';
import type { Browser } from 'playwright-core';
import { afterEach, inject } from 'vitest';
import { launchChromium, type Tab } from './browser.js';

/**
 * The whole system as `npm start` runs it (compiled services, its own databases named after
 * `name`, free ports, no demo data) and a headless Chromium, started together. Services read
 * OTEL_* from the environment, so a file that wants traces sets them before it calls this.
 */
export async function startBrowserSystem(name: string): Promise<{ system: RunningSystem; browser: Browser; stop(): Promise<void> }> {
  const [system, browser] = await Promise.all([
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
    }),
    launchChromium(),
  ]);
  // Live is not ready: a service still connecting to PostgreSQL or Kafka answers 503.
  await system.ready();
  return {
    system,
    browser,
    async stop() {
      await browser.close();
      await system.stop();
    },
  };
}

/** A failed test leaves a picture of every tab, so the log says what the browser showed. */
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
