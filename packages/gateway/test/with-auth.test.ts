import { startTestAuthService, type TestAuthService } from '@pms/auth/testing';
import { createTestDatabase } from '@pms/devstack';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startGateway } from './support/gateway.js';
import { startStubService, type StubService } from './support/upstreams.js';

// The whole token path for real: auth behind the gateway signs, the gateway and a service
// verify with the keys they fetch from auth's JWKS URL, which the gateway derives from AUTH_URL.
let auth: TestAuthService;
let authUrl: string;
let patients: StubService;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  auth = await startTestAuthService({ databaseUrl: await createTestDatabase(inject('databaseUrl'), 'auth'), kafkaBrokers: inject('kafkaBrokers') });
  authUrl = await auth.app.listen({ host: '127.0.0.1', port: 0 });
  patients = await startStubService('patient', '/api/patients', { jwksUrl: `${authUrl}/auth/.well-known/jwks.json` });
  gateway = await startGateway({ AUTH_URL: authUrl, PATIENT_URL: patients.url }, patients.url);
});
afterAll(async () => {
  await gateway?.app.close();
  await patients?.close();
  await auth?.close();
});

const post = (path: string, body: object, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function registerAndLogin() {
  const email = `gateway-${randomUUID()}@example.test`;
  const password = 'correct horse battery';
  const registered = await post('/auth/register', { email, password });
  expect(registered.status).toBe(201);
  const login = await post('/auth/login', { email, password });
  expect(login.status).toBe(200);
  const tokens = (await login.json()) as { accessToken: string; refreshToken: string };
  return { user: (await registered.json()) as { id: string }, email, tokens };
}

describe('gateway with a real auth service', () => {
  it('verifies a token from a real login with keys from JWKS and forwards the call', async () => {
    const { user, tokens } = await registerAndLogin();
    const response = await fetch(`${gateway.url}/api/patients/whoami`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { principal: unknown }).principal).toMatchObject({ userId: user.id, role: 'patient' });
  });

  it('proxies the rest of /auth: me, refresh, logout', async () => {
    const { email, tokens } = await registerAndLogin();
    const me = await fetch(`${gateway.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(((await me.json()) as { email: string }).email).toBe(email);
    const refreshed = await post('/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(200);
    const { refreshToken } = (await refreshed.json()) as { refreshToken: string };
    expect((await post('/auth/logout', { refreshToken })).status).toBe(204);
    expect((await post('/auth/refresh', { refreshToken })).status).toBe(401);
  });

  it("rejects a token auth never signed, at the gateway and at the service", async () => {
    const forged = createTestTokenIssuer().token({ role: 'admin' });
    const viaGateway = await fetch(`${gateway.url}/api/patients/whoami`, { headers: { authorization: `Bearer ${forged}` } });
    expect(viaGateway.status).toBe(401);
    const direct = await fetch(`${patients.url}/api/patients/whoami`, { headers: { authorization: `Bearer ${forged}` } });
    expect(direct.status).toBe(401);
  });

  it("passes auth's 400 with the failing field through", async () => {
    const response = await post('/auth/register', { email: 'not-an-email', password: 'correct horse battery' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { details: { field: string }[] }).details.map((detail) => detail.field)).toEqual(['email']);
  });

  it("serves auth's OpenAPI document under /docs", async () => {
    const response = await fetch(`${gateway.url}/docs/openapi/auth.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout', '/auth/me', '/auth/users', '/auth/.well-known/jwks.json']),
    );
  });
});
