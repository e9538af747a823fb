import type { ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway.js';
import { closedPortUrl, startStubService, type StubService } from './support/upstreams.js';

// An upstream given as a list of replicas (PATIENT_URL=http://a,http://b,http://c): the gateway
// spreads requests over them, leaves out one whose readiness is red, and sends a request that
// could not reach one to the next, without ever sending a write twice.
const issuer = createTestTokenIssuer();
const bearer = { authorization: `Bearer ${issuer.token({ role: 'staff' })}` };
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function replicas(count: number): Promise<StubService[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startStubService('patient', '/api/patients', { jwks: issuer.jwks })));
  opened.push(...started);
  return started;
}

async function gatewayOver(urls: string[]): Promise<{ app: ServiceInstance; url: string }> {
  const gateway = await startGateway({ AUTH_JWKS: JSON.stringify(issuer.jwks), PATIENT_URL: urls.join(','), UPSTREAM_HEALTH_INTERVAL_MS: '50' }, urls[0]!);
  opened.push(gateway.app);
  return gateway;
}

const read = (gatewayUrl: string) => fetch(`${gatewayUrl}/api/patients/whoami`, { headers: bearer });
const create = (gatewayUrl: string, name: string) =>
  fetch(`${gatewayUrl}/api/patients`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
const statuses = async (responses: Promise<Response>[]) => (await Promise.all(responses)).map((response) => response.status);
const reads = (replica: StubService) => replica.seen.filter((seen) => seen.url.endsWith('/whoami')).length;
const creates = (replica: StubService) => replica.seen.filter((seen) => seen.method === 'POST').map((seen) => (seen.body as { name: string }).name);

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('an upstream with several replicas', () => {
  it('spreads requests over every replica', async () => {
    const three = await replicas(3);
    const gateway = await gatewayOver(three.map((replica) => replica.url));
    for (let i = 0; i < 30; i++) expect((await read(gateway.url)).status).toBe(200);
    expect(three.map(reads)).toEqual([10, 10, 10]);
  });

  it('stops sending to a draining replica before it closes, and loses no request when it does', async () => {
    const [draining, ...others] = await replicas(3);
    const gateway = await gatewayOver([draining!, ...others].map((replica) => replica.url));
    draining!.app.drain();
    await until(async () => (await fetch(`${draining!.url}/health/ready`)).status === 503, 'readiness to turn red');
    // Within one health interval the gateway leaves it out: nothing new reaches it.
    await until(async () => {
      const before = reads(draining!);
      await Promise.all(Array.from({ length: 6 }, () => read(gateway.url)));
      return reads(draining!) === before;
    }, 'the gateway to leave the draining replica out');
    await draining!.close();

    const names = Array.from({ length: 12 }, (_, i) => `patient ${i}`);
    expect(await statuses([...names.map((name) => create(gateway.url, name)), ...names.map(() => read(gateway.url))])).toEqual([
      ...names.map(() => 201),
      ...names.map(() => 200),
    ]);
    // Each write reached exactly one replica, once.
    expect(others.flatMap(creates).sort()).toEqual([...names].sort());
  });

  it('sends a request, a write too, to the next replica when one refuses the connection', async () => {
    const [alive] = await replicas(1);
    const gone = await closedPortUrl();
    // Health checks run every 50 ms; the requests below start at once, before the first one.
    const gateway = await gatewayOver([gone, alive!.url]);
    const names = Array.from({ length: 8 }, (_, i) => `walk-in ${i}`);
    expect(await statuses(names.map((name) => create(gateway.url, name)))).toEqual(names.map(() => 201));
    expect(creates(alive!).sort()).toEqual([...names].sort());
  });

  it('answers 503 in the error shape when no replica can be reached', async () => {
    const gateway = await gatewayOver([await closedPortUrl(), await closedPortUrl()]);
    const response = await read(gateway.url);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
