import type {} from '../../devstack/src/vitest-provided.js';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, freePort } from '@pms/devstack';
import { startServiceProcess, type ServiceProcess } from '@pms/devstack/testing';
import { afterAll, expect, inject, it } from 'vitest';
import { issuer } from './support.js';

let service: ServiceProcess | undefined;
afterAll(() => service?.stop());

it('with tracing on and Zipkin down, the service serves every request, logs no error and stops cleanly; its logs carry the trace id', async () => {
  const port = await freePort();
  // Nothing listens there: every export fails.
  const zipkinPort = await freePort();
  service = await startServiceProcess(fileURLToPath(new URL('..', import.meta.url)), {
    DATABASE_URL: await createTestDatabase(inject('databaseUrl'), 'analytics_tracing'),
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: `analytics-tracing-test-${port}`,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    // A shared machine: a slow statement is not what this test is about.
    DATABASE_QUERY_TIMEOUT_MS: '10000',
    OTEL_SDK_DISABLED: 'false',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${zipkinPort}/api/v2/spans`,
    // A small queue, exported often: it overflows many times over during the test.
    OTEL_BSP_MAX_QUEUE_SIZE: '50',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    // Started from source (tsx) on a shared machine: give it time.
  }, 180_000);
  const summary = `${service.baseUrl}/api/analytics/summary?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`;
  const authorization = `Bearer ${issuer.token({ role: 'staff' })}`;
  await expect.poll(() => fetch(`${service!.baseUrl}/health/ready`).then((r) => r.status, () => 0), { timeout: 120_000 }).toBe(200);
  const statuses: number[] = [];
  for (let round = 0; round < 15; round += 1) {
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetch(summary, { headers: { authorization }, signal: AbortSignal.timeout(10_000) })));
    statuses.push(...answers.map((answer) => answer.status));
  }
  expect(statuses.filter((status) => status !== 200)).toEqual([]);

  const traceId = randomBytes(16).toString('hex');
  const traced = await fetch(summary, { headers: { authorization, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
  expect(traced.status).toBe(200);
  await expect.poll(() => service!.output().includes(`"trace_id":"${traceId}"`), { timeout: 10_000 }).toBe(true);

  expect(await service.stop()).toBe(0);
  // No error logged, and nothing about the failed exports (OpenTelemetry's diagnostics stay quiet).
  const errors = service.output().split('\n').filter((line) => /"level":(50|60)|ECONNREFUSED|zipkin|export/i.test(line));
  expect(errors).toEqual([]);
}, 300_000);
