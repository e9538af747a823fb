import type { ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway.js';
import { closedPortUrl, startHangingServer, startStubService, type StubService } from './support/upstreams.js';

const issuer = createTestTokenIssuer();
let patients: StubService;
let hanging: Awaited<ReturnType<typeof startHangingServer>>;
let downUrl: string;
let gateway: ServiceInstance;
let gatewayUrl: string;

beforeAll(async () => {
  patients = await startStubService('patient', '/api/patients', { jwks: issuer.jwks });
  hanging = await startHangingServer();
  downUrl = await closedPortUrl();
  ({ app: gateway, url: gatewayUrl } = await startGateway(
    {
      AUTH_JWKS: JSON.stringify(issuer.jwks),
      PATIENT_URL: patients.url,
      APPOINTMENT_URL: hanging.url,
      UPSTREAM_TIMEOUT_MS: '400',
      BODY_LIMIT_BYTES: '10000',
      CORS_ORIGINS: 'https://app.example.test',
    },
    downUrl,
  ));
});
afterAll(async () => {
  await gateway?.close();
  await patients?.close();
  await hanging?.close();
});

const bearer = (token = issuer.token({ role: 'staff' })) => ({ authorization: `Bearer ${token}` });
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gatewayUrl}${path}`, { headers });

describe('proxying to a real upstream', () => {
  it('round-trips with the request id and the Authorization header forwarded', async () => {
    const token = issuer.token({ role: 'doctor', email: 'dr@example.test' });
    const response = await get('/api/patients/whoami', { ...bearer(token), 'x-request-id': 'req-gateway-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-gateway-1');
    const body = (await response.json()) as { principal: { role: string }; requestId: string };
    expect(body).toMatchObject({ principal: { role: 'doctor' }, requestId: 'req-gateway-1' });
    const seen = patients.seen.at(-1);
    expect(seen?.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-request-id': 'req-gateway-1' });
  });

  it('makes a request id when the caller sent none, and the upstream gets the same one', async () => {
    const response = await get('/api/patients/whoami', bearer());
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await response.json()) as { requestId: string }).requestId).toBe(requestId);
  });

  it('forwards method, body, query string, status and headers unchanged', async () => {
    const response = await fetch(`${gatewayUrl}/api/patients?source=web&tag=a&tag=b`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/patients/1');
    expect(await response.json()).toEqual({ created: 'Ada', query: { source: 'web', tag: ['a', 'b'] } });
  });

  it("passes the upstream's own error answers through", async () => {
    const invalid = await fetch(`${gatewayUrl}/api/patients`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json', 'x-request-id': 'req-gateway-400' },
      body: JSON.stringify({ name: 1 }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'req-gateway-400', details: [{ field: 'name' }] });
  });

  it('sets X-Forwarded-For to the caller it saw, ignoring what the caller claims', async () => {
    await get('/api/patients/whoami', { ...bearer(), 'x-forwarded-for': '203.0.113.66', 'x-request-id': 'req-gateway-xff' });
    const seen = patients.seen.find((request) => request.headers['x-request-id'] === 'req-gateway-xff');
    expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});

describe('access tokens at the gateway', () => {
  const valid = issuer.token({ role: 'staff' });
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString());
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const foreign = createTestTokenIssuer();
  const badTokens = {
    tampered: `${header}.${encode({ ...claims, role: 'admin' })}.${signature}`,
    expired: issuer.token({ role: 'staff' }, { expiresInMs: -60_000 }),
    'signed by another key': foreign.token({ role: 'admin' }),
    'signed by another key under the right kid': foreign.signRaw({ ...claims }, { kid }),
    'for another audience': issuer.signRaw({ ...claims, aud: 'elsewhere' }),
    'alg none': `${encode({ alg: 'none', typ: 'JWT', kid })}.${payload}.`,
  };

  it.each(Object.entries(badTokens))('rejects a token %s with 401 before anything reaches the upstream', async (_kind, token) => {
    const requestId = `req-bad-${Math.random().toString(36).slice(2)}`;
    const response = await get('/api/patients/whoami', { ...bearer(token), 'x-request-id': requestId });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED', requestId });
    expect(patients.seen.some((request) => request.headers['x-request-id'] === requestId)).toBe(false);
  });

  it('rejects a missing token with 401, and an unknown /api path too', async () => {
    for (const path of ['/api/patients/whoami', '/api/patients', '/api/unknown/thing']) {
      const response = await get(path);
      expect(response.status, path).toBe(401);
    }
    const unknown = await get('/api/unknown/thing', bearer());
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it('the upstream verifies too: a request that skips the gateway with a bad token gets 401 there', async () => {
    const response = await fetch(`${patients.url}/api/patients/whoami`, { headers: bearer(badTokens['alg none']) });
    expect(response.status).toBe(401);
  });
});

describe('upstreams that fail', () => {
  it('answers 503 in the error shape within a second when the upstream is down', async () => {
    const started = performance.now();
    const response = await get('/api/doctors', { ...bearer(), 'x-request-id': 'req-down' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'The doctor service is unavailable',
      requestId: 'req-down',
    });
  });

  it("passes an upstream's own 503 straight through, without retrying it", async () => {
    const response = await get('/api/patients/overloaded', { ...bearer(), 'x-request-id': 'req-overloaded' });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', requestId: 'req-overloaded' });
    expect(patients.seen.filter((request) => request.headers['x-request-id'] === 'req-overloaded')).toHaveLength(1);
  });

  it('answers 503 after the timeout when the upstream hangs', async () => {
    const started = performance.now();
    const response = await get('/api/appointments', bearer());
    const elapsed = performance.now() - started;
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ statusCode: 503, code: 'UPSTREAM_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(3_000);
  });
});

describe('edge protections', () => {
  it('answers 413 in the error shape for a body over the limit, without bothering the upstream', async () => {
    const before = patients.seen.length;
    const response = await fetch(`${gatewayUrl}/api/patients`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(20_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(patients.seen.length).toBe(before);
  });

  it('sets security headers on proxied answers, refusals and its own routes', async () => {
    const answers = {
      proxied: await get('/api/patients/whoami', bearer()),
      refused: await get('/api/patients/whoami'),
      unknown: await get('/api/no-such-route', bearer()),
      own: await get('/health/live'),
    };
    for (const [which, response] of Object.entries(answers)) {
      expect(response.headers.get('x-content-type-options'), which).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), which).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security'), which).toMatch(/max-age=/);
      expect(response.headers.get('content-security-policy'), which).toMatch(/^default-src 'self';.*script-src 'self'/);
      expect(response.headers.get('content-security-policy'), which).not.toMatch(/upgrade-insecure-requests/);
    }
    expect(answers.refused.status).toBe(401);
    expect(answers.unknown.status).toBe(404);
  });

  it('answers a CORS preflight from an allowed origin without a token', async () => {
    const response = await fetch(`${gatewayUrl}/api/patients`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
  });

  it('grants nothing to another origin', async () => {
    const response = await get('/api/patients/whoami', { ...bearer(), origin: 'https://evil.example.test' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await get('/api/patients/whoami', { ...bearer(), origin: 'https://app.example.test' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
  });
});

describe('health', () => {
  it('is not ready while an upstream is down, and names it', async () => {
    const response = await get('/health/ready');
    expect(response.status).toBe(503);
    const { checks } = (await response.json()) as { checks: Record<string, string> };
    expect(checks.patient).toBe('ok');
    expect(checks.doctor).not.toBe('ok');
    expect(checks.appointment).not.toBe('ok');
  });

  it('is ready when every upstream is alive', async () => {
    const healthy = await startGateway({ AUTH_JWKS: JSON.stringify(issuer.jwks) }, patients.url);
    try {
      const response = await fetch(`${healthy.url}/health/ready`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { checks: Record<string, string> }).checks).toEqual({
        auth: 'ok',
        patient: 'ok',
        doctor: 'ok',
        appointment: 'ok',
        billing: 'ok',
        analytics: 'ok',
        notification: 'ok',
      });
    } finally {
      await healthy.app.close();
    }
  });
});

describe('/docs', () => {
  it("serves each service's OpenAPI document, fetched from the service", async () => {
    const response = await get('/docs/openapi/patient.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(document.info.title).toBe('patient');
    expect(Object.keys(document.paths)).toContain('/api/patients');
  });

  it('answers 503 for a service that is down and 404 for one that does not exist', async () => {
    expect((await get('/docs/openapi/doctor.json')).status).toBe(503);
    expect((await get('/docs/openapi/nothing.json')).status).toBe(404);
  });

  it('serves one Swagger UI listing every service', async () => {
    const page = await get('/docs/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    const initializer = await (await get('/docs/static/swagger-initializer.js')).text();
    for (const service of ['auth', 'patient', 'doctor', 'appointment', 'billing', 'analytics', 'notification']) {
      expect(initializer).toContain(`/docs/openapi/${service}.json`);
    }
  });
});
