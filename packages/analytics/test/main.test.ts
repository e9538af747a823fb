import type {} from '../../devstack/src/vitest-provided.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, freePort } from '@pms/devstack';
import { afterAll, expect, inject, it } from 'vitest';
import { issuer, waitFor } from './support.js';

let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

it('main.ts boots from the environment alone, migrates, consumes, serves, and stops cleanly on SIGTERM', async () => {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: await createTestDatabase(inject('databaseUrl'), 'analytics_main'),
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: `analytics-main-test-${port}`,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  let output = '';
  child = spawn(process.execPath, ['--conditions=@pms/source', '--import', 'tsx', 'src/main.ts'], { cwd, env });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const base = `http://127.0.0.1:${port}`;
  const ready = await waitFor('analytics to be ready', () => fetch(`${base}/health/ready`).then((r) => (r.ok ? r : undefined), () => undefined), 60_000).catch(
    (error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    },
  );
  expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', kafka: 'ok', consumer: 'ok' } });
  expect((await fetch(`${base}/api/analytics/summary?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`)).status).toBe(401);
  // Answered from its migrated tables.
  const staff = { authorization: `Bearer ${issuer.token({ role: 'staff' })}` };
  expect((await fetch(`${base}/api/analytics/summary?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`, { headers: staff })).status).toBe(200);

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  expect(code).toBe(0);
});
