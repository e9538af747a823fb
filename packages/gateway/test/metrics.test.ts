import type { ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway.js';
import { startStubService, type StubService } from './support/upstreams.js';

// Finding 6 of issue 10 (metrics part): the gateway's /metrics was public.
const issuer = createTestTokenIssuer();
const metricsToken = `metrics-${crypto.randomUUID()}`;
let patients: StubService;
let guarded: { app: ServiceInstance; url: string };
let plain: { app: ServiceInstance; url: string };

beforeAll(async () => {
  patients = await startStubService('patient', '/api/patients', { jwks: issuer.jwks });
  guarded = await startGateway({ AUTH_JWKS: JSON.stringify(issuer.jwks), METRICS_TOKEN: metricsToken }, patients.url);
  plain = await startGateway({ AUTH_JWKS: JSON.stringify(issuer.jwks) }, patients.url);
});
afterAll(async () => {
  await guarded?.app.close();
  await plain?.app.close();
  await patients?.close();
});

const metrics = (url: string, authorization?: string) => fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });

describe("the gateway's /metrics", () => {
  it('answers only the metrics token, in the error shape otherwise', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${issuer.token({ role: 'admin' })}`, metricsToken]) {
      const response = await metrics(guarded.url, authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.json()).toMatchObject({ statusCode: 401, code: 'METRICS_TOKEN_REQUIRED', requestId: expect.any(String) });
    }
    const allowed = await metrics(guarded.url, `Bearer ${metricsToken}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('http_request_duration_seconds');
  });

  it('is not served at all without a configured token', async () => {
    const response = await metrics(plain.url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('process_resident_memory_bytes');
  });
});
