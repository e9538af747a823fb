import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway.js';
import { closedPortUrl } from './support/upstreams.js';

const issuer = createTestTokenIssuer();
const INDEX = '<!doctype html><title>console</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>';
let gateway: ServiceInstance;
let url: string;
let bare: ServiceInstance;
let bareUrl: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pms-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("console")');
  const down = await closedPortUrl();
  ({ app: gateway, url } = await startGateway({ AUTH_JWKS: JSON.stringify(issuer.jwks), CONSOLE_DIR: dir }, down));
  ({ app: bare, url: bareUrl } = await startGateway({ AUTH_JWKS: JSON.stringify(issuer.jwks), CONSOLE_DIR: join(dir, 'not-built') }, down));
});
afterAll(async () => {
  await gateway?.close();
  await bare?.close();
});

describe('the web console at /', () => {
  it('serves index.html at / and revalidates it on every load', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toBe(INDEX);
  });

  it('caches hashed assets for a year as immutable', async () => {
    const response = await fetch(`${url}/assets/index-Ab12Cd34.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it("answers the app's own page paths with index.html, so a reload keeps the page", async () => {
    for (const path of ['/patients/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', '/verify-email?token=abc', '/calendar']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('answers a missing file with a 404 in the error shape, not with index.html', async () => {
    const response = await fetch(`${url}/assets/index-gone.js`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it('leaves /api, /auth, /docs and /health as they were', async () => {
    expect((await fetch(`${url}/api/patients`)).status).toBe(401);
    expect(await (await fetch(`${url}/health/unknown`)).json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
    expect(await (await fetch(`${url}/auth/unknown`)).json()).toMatchObject({ statusCode: 503 });
    const docs = await fetch(`${url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });

  it('a gateway whose console was not built still starts and answers the API', async () => {
    expect((await fetch(`${bareUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${bareUrl}/`)).status).toBe(404);
    expect((await fetch(`${bareUrl}/api/patients`)).status).toBe(401);
  });
});
