import { fileURLToPath } from 'node:url';
import { createTestDatabase, freePort } from '@pms/devstack';
import { startServiceProcess, type ServiceProcess } from '@pms/devstack/testing';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterAll, expect, inject, it } from 'vitest';
import type {} from '../../devstack/src/vitest-provided.js';

let service: ServiceProcess | undefined;
afterAll(() => service?.stop());

it('main.ts boots from the environment alone, serves, and stops cleanly on SIGTERM', async () => {
  const [port, grpcPort, nobodyPort] = await Promise.all([freePort(), freePort(), freePort()]);
  service = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), {
    DATABASE_URL: await createTestDatabase(inject('databaseUrl'), 'billing_main'),
    KAFKA_BROKERS: inject('kafkaBrokers'),
    AUTH_JWKS: JSON.stringify(createTestTokenIssuer().jwks),
    HOST: '127.0.0.1',
    PORT: String(port),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    PATIENT_GRPC_URL: `127.0.0.1:${nobodyPort}`, // the patient service is not running
    KAFKA_GROUP_ID: `billing-main-test-${port}`,
    LOG_LEVEL: 'warn',
  });
  const base = service.baseUrl;
  const ready = await fetch(`${base}/health/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ checks: { database: 'ok', patient: expect.not.stringMatching(/^ok$/) } });
  const unauthenticated = await fetch(`${base}/api/billing/invoices`);
  expect(unauthenticated.status).toBe(401);
  const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(openapi.paths)).toEqual(
    expect.arrayContaining(['/api/billing/accounts/{patientId}', '/api/billing/invoices', '/api/billing/invoices/{id}', '/api/billing/invoices/{id}/pay']),
  );
  expect(await service.stop()).toBe(0);
});
