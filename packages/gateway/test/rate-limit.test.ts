import type { ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway.js';
import { startStubService, type StubService } from './support/upstreams.js';

const issuer = createTestTokenIssuer();
let patients: StubService;
let gateway: { app: ServiceInstance; url: string };

beforeAll(async () => {
  patients = await startStubService('patient', '/api/patients', { jwks: issuer.jwks });
  gateway = await startGateway({ AUTH_JWKS: JSON.stringify(issuer.jwks), RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' }, patients.url);
});
afterAll(async () => {
  await gateway?.app.close();
  await patients?.close();
});

describe('global rate limit', () => {
  it('answers 429 in the error shape once a client is over the limit, but keeps health probes open', async () => {
    const call = () => fetch(`${gateway.url}/api/patients/whoami`, { headers: { authorization: `Bearer ${issuer.token({ role: 'staff' })}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call()).status);
    const limited = await call();
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED', requestId: expect.any(String) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  });
});
