import type { ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway.js';
import { startStubService, type StubService } from './support/upstreams.js';

// Finding 2 of issue 10: ~140 POSTs declaring Content-Length 1000 and sending 9 bytes filled the
// gateway's connections to patient, and an admin's read waited 12-15 s.
const issuer = createTestTokenIssuer();
const upstreamConnections = 8;
const stalledCount = 40;
let patients: StubService;
let gateway: { app: ServiceInstance; url: string };
let postsSeenByGateway = 0;

beforeAll(async () => {
  patients = await startStubService('patient', '/api/patients', { jwks: issuer.jwks });
  gateway = await startGateway(
    {
      AUTH_JWKS: JSON.stringify(issuer.jwks),
      UPSTREAM_CONNECTIONS: String(upstreamConnections),
      REQUEST_BODY_TIMEOUT_MS: '1500',
      REQUEST_HEADERS_TIMEOUT_MS: '1000',
    },
    patients.url,
  );
  gateway.app.server.on('request', (request: { method?: string }) => {
    if (request.method === 'POST') postsSeenByGateway++;
  });
});
afterAll(async () => {
  await gateway?.app.close();
  await patients?.close();
});

/** Writes `head` (and nothing more) on a raw connection; resolves with everything the server answered. */
function rawRequest(url: string, head: string): Promise<string> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.write(head);
  return new Promise((resolve) => socket.on('close', () => resolve(answer)));
}

function parse(answer: string): { status: number; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
}

describe('clients that stall', { timeout: 30_000 }, () => {
  it('cannot hold the connections to an upstream: an admin read answers at once, the stalled bodies get 408', async () => {
    const patientToken = issuer.token({ role: 'patient' });
    const stalledHead =
      `POST /api/patients HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${patientToken}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"';
    const stalled = Array.from({ length: stalledCount }, () => rawRequest(gateway.url, stalledHead));
    await expect.poll(() => postsSeenByGateway, { timeout: 10_000 }).toBeGreaterThanOrEqual(stalledCount);

    const started = performance.now();
    const read = await fetch(`${gateway.url}/api/patients/whoami`, { headers: { authorization: `Bearer ${issuer.token({ role: 'admin' })}` } });
    const elapsed = performance.now() - started;
    expect(read.status).toBe(200);
    expect(elapsed).toBeLessThan(1_000);

    for (const answer of await Promise.all(stalled)) {
      expect(parse(answer)).toMatchObject({
        status: 408,
        body: { statusCode: 408, error: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: expect.any(String), requestId: expect.any(String) },
      });
    }
    expect(patients.seen.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('answers a client that never finishes its headers with a 408 in the error shape', async () => {
    const started = performance.now();
    const answer = await rawRequest(gateway.url, 'GET /api/patients/whoami HTTP/1.1\r\nHost: gateway\r\n');
    expect(parse(answer)).toMatchObject({
      status: 408,
      body: { statusCode: 408, error: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: expect.any(String), requestId: expect.any(String) },
    });
    // The headers bound (1 s) plus Node's check interval (1 s), not Node's default 60 s.
    expect(performance.now() - started).toBeLessThan(3_500);
  });

  it('still proxies a body that arrives slowly but within the bound', async () => {
    const body = JSON.stringify({ name: 'Slow Sam' });
    const head =
      `POST /api/patients HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${issuer.token({ role: 'staff' })}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.write(head + body.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the slowness under test, not a wait for readiness
    socket.write(body.slice(5));
    // The proxied answer keeps the upstream's keep-alive: read until the body is complete.
    await expect.poll(() => answer, { timeout: 5_000 }).toContain('}}');
    socket.destroy();
    expect(parse(answer)).toMatchObject({ status: 201, body: { created: 'Slow Sam' } });
  });
});
