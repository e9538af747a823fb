import type {} from '../../devstack/src/vitest-provided.js';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, freePort } from '@pms/devstack';
import { startServiceProcess, type ServiceProcess } from '@pms/devstack/testing';
import { afterAll, expect, inject, it } from 'vitest';
import { issuer } from './support.js';

let service: ServiceProcess | undefined;
afterAll(() => service?.stop());

it('main.ts boots from the environment alone, migrates, consumes, serves, and stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  service = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), {
    DATABASE_URL: await createTestDatabase(inject('databaseUrl'), 'analytics_main'),
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: `analytics-main-test-${port}`,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  const summary = `${service.baseUrl}/api/analytics/summary?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`;
  const ready = () => fetch(`${service!.baseUrl}/health/ready`).then((r) => r.json(), () => undefined);
  await expect
    .poll(ready, { timeout: 60_000 })
    .toEqual({ status: 'ok', checks: { revocations: 'ok', database: 'ok', kafka: 'ok', consumer: 'ok' } });
  expect((await fetch(summary)).status).toBe(401);
  // Answered from its migrated tables.
  expect((await fetch(summary, { headers: { authorization: `Bearer ${issuer.token({ role: 'staff' })}` } })).status).toBe(200);
  expect(await service.stop()).toBe(0);
});
