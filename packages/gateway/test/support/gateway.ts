import type { ServiceInstance } from '@pms/platform';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const upstreamVariables = ['AUTH_URL', 'PATIENT_URL', 'DOCTOR_URL', 'APPOINTMENT_URL', 'BILLING_URL', 'ANALYTICS_URL', 'NOTIFICATION_URL'];

/** A gateway whose upstreams all point at `fallbackUrl` unless `env` says otherwise; listening on a free port. */
export async function startGateway(env: Record<string, string>, fallbackUrl: string): Promise<{ app: ServiceInstance; url: string }> {
  const upstreams = Object.fromEntries(upstreamVariables.map((name) => [name, fallbackUrl]));
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', ...upstreams, ...env }) });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}
