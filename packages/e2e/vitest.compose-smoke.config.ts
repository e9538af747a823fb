import { defineConfig } from 'vitest/config';

/**
 * The end-to-end journey against a stack that is already running (compose/smoke.sh sets
 * PMS_GATEWAY_URL and PMS_SMTP_API_URL): no devstack, no services started here.
 */
export default defineConfig({
  resolve: { conditions: ['@pms/source'] },
  ssr: { resolve: { conditions: ['@pms/source'] } },
  test: { include: ['test/journey.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
