import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { conflict, createService, principalOf, RevocationList, unavailable, type ServiceInstance } from '../src/index.js';
import { createTestTokenIssuer } from '../src/testing/index.js';
import { VerifiedTokens } from '../src/auth/verified-tokens.js';

const issuer = createTestTokenIssuer();
let app: ServiceInstance;

beforeAll(async () => {
  app = await createService({
    name: 'sample',
    logLevel: 'silent',
    bodyLimit: 2_000,
    authentication: { keys: { jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience },
    readiness: { fine: async () => {}, broken: async () => Promise.reject(new Error('db down')) },
  });
  app.post(
    '/api/things',
    { schema: { body: z.object({ name: z.string().min(2), count: z.number().int() }), response: { 201: z.object({ id: z.string() }) } } },
    async (_request, reply) => reply.code(201).send({ id: 'thing-1' }),
  );
  app.get('/api/whoami', async (request) => principalOf(request));
  app.get('/api/conflict', async () => {
    throw conflict('Slot taken', 'SLOT_TAKEN');
  });
  app.get('/api/crash', async () => {
    throw new Error('secret internals at /srv/db.ts:42');
  });
  app.get('/api/down', async () => {
    throw unavailable('Doctor service is unavailable');
  });
  await app.ready();
});
afterAll(() => app.close());

const auth = (token = issuer.token({ role: 'staff' })) => ({ authorization: `Bearer ${token}` });

describe('service factory', () => {
  it('answers a 400 in the one error shape, naming every failing field', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/things', headers: { ...auth(), 'x-request-id': 'req-42' }, payload: { name: 'x', count: 'many' } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED', requestId: 'req-42' });
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual(['count', 'name']);
    expect(response.headers['x-request-id']).toBe('req-42');
  });

  it('makes a request id when none is given', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/conflict', headers: auth() });
    expect(response.json()).toMatchObject({ statusCode: 409, code: 'SLOT_TAKEN', message: 'Slot taken' });
    expect(response.json().requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never leaks internals from a 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/crash', headers: auth() });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.json()).toMatchObject({ code: 'INTERNAL', message: 'Internal server error' });
  });

  it('maps an unavailable dependency to 503', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/down', headers: auth() });
    expect(response.statusCode).toBe(503);
  });

  it('answers 413 in the error shape for an oversized body, 400 for malformed JSON', async () => {
    const big = await app.inject({ method: 'POST', url: '/api/things', headers: auth(), payload: { name: 'x'.repeat(5_000), count: 1 } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
    const broken = await app.inject({ method: 'POST', url: '/api/things', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"name":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toHaveProperty('requestId');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(response.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it('serves live, ready (naming the failing check), metrics and openapi', async () => {
    expect((await app.inject('/health/live')).statusCode).toBe(200);
    const ready = await app.inject('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks).toEqual({ fine: 'ok', broken: 'db down' });
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain('http_request_duration_seconds');
    const openapi = (await app.inject('/openapi.json')).json();
    expect(openapi.openapi).toMatch(/^3\.1/);
    expect(openapi.paths['/api/things'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'count']);
    // Every error answer is documented once, in the one error shape, beside the route's own answers.
    const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    expect(openapi.paths['/api/things'].post.responses).toMatchObject({ '201': {}, '4XX': error, '5XX': error });
    expect(openapi.components.schemas.Error.required).toEqual(['statusCode', 'error', 'message', 'code', 'requestId']);
    expect(openapi.paths['/health/ready']).toBeUndefined();
  });
});

describe('access tokens', () => {
  const call = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/whoami', headers });

  it('accepts a valid token and exposes the principal', async () => {
    const response = await call(auth(issuer.token({ role: 'doctor', sub: '4b7f4b3c-46a4-4a43-8d4b-9b1b3e9a1c11' })));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ role: 'doctor', userId: '4b7f4b3c-46a4-4a43-8d4b-9b1b3e9a1c11' });
  });

  it.each([
    ['missing', {}],
    ['not bearer', { authorization: 'Basic abc' }],
    ['garbage', auth('not.a.jwt')],
  ])('rejects a %s token with 401', async (_name, headers) => {
    const response = await call(headers as Record<string, string>);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
  });

  it('rejects tampered, expired, wrong-key, wrong-audience and alg none tokens with 401', async () => {
    const valid = issuer.token({ role: 'staff' });
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
    const expired = issuer.token({ role: 'staff' }, { expiresInMs: -60_000 });
    const foreign = createTestTokenIssuer().token({ role: 'admin' });
    const foreignWithOurKid = createTestTokenIssuer().signRaw({ ...claims }, { kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid });
    const wrongAudience = issuer.signRaw({ ...claims, aud: 'elsewhere' });
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    for (const token of [tampered, expired, foreign, foreignWithOurKid, wrongAudience, none]) {
      const response = await call(auth(token));
      expect(response.statusCode, token).toBe(401);
    }
    expect((await call(auth(expired))).json().message).toMatch(/expired/i);
  });

  it('rejects a token signed with the real key that lacks iss, aud or exp', async () => {
    const claims = { sub: '4b7f4b3c-46a4-4a43-8d4b-9b1b3e9a1c11', role: 'admin', iss: issuer.issuer, aud: issuer.audience };
    const { iss: _iss, ...withoutIssuer } = claims;
    const { aud: _aud, ...withoutAudience } = claims;
    expect((await call(auth(issuer.signRaw(claims)))).statusCode).toBe(200);
    for (const token of [issuer.signRaw(withoutIssuer), issuer.signRaw(withoutAudience), issuer.signRaw(claims, { expiresInMs: null })]) {
      const response = await call(auth(token));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('refuses the tokens of a revoked user issued before the bound, and accepts newer ones', async () => {
    const revocations = new RevocationList();
    const guarded = await createService({
      name: 'guarded',
      logLevel: 'silent',
      authentication: { keys: { jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience, revocations },
    });
    guarded.get('/api/whoami', async (request) => principalOf(request));
    try {
      const sub = randomUUID();
      const before = issuer.token({ role: 'patient', sub });
      const whoami = (token: string) => guarded.inject({ method: 'GET', url: '/api/whoami', headers: auth(token) });
      expect((await whoami(before)).statusCode).toBe(200);
      revocations.revoke(sub, Math.floor(Date.now() / 1000) + 1);
      const refused = await whoami(before);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'TOKEN_REVOKED' });
      // Another user's token is untouched; a token issued at or after the bound works.
      expect((await whoami(issuer.token({ role: 'patient' }))).statusCode).toBe(200);
      const after = issuer.signRaw({ sub, role: 'patient', iss: issuer.issuer, aud: issuer.audience, iat: Math.floor(Date.now() / 1000) + 1 });
      expect((await whoami(after)).statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('sends Cache-Control: no-store on every answer unless the route chose otherwise', async () => {
    const response = await call(auth());
    expect(response.headers['cache-control']).toBe('no-store');
    expect((await app.inject({ method: 'GET', url: '/api/conflict', headers: auth() })).headers['cache-control']).toBe('no-store');
  });

  it('stops accepting a token it has accepted before once the token expires', async () => {
    const shortLived = issuer.token({ role: 'staff' }, { expiresInMs: 1_500 });
    expect((await call(auth(shortLived))).statusCode).toBe(200);
    // The second request is answered from the verified-token cache; expiry still applies to it.
    expect((await call(auth(shortLived))).statusCode).toBe(200);
    await vi.waitFor(
      async () => {
        const response = await call(auth(shortLived));
        expect(response.statusCode).toBe(401);
        expect(response.json().message).toMatch(/expired/i);
      },
      { timeout: 5_000, interval: 100 },
    );
  });

  it('keeps at most its capacity of verified tokens, dropping the oldest first', () => {
    const cache = new VerifiedTokens(2);
    const entry = (userId: string) => ({ principal: { userId, role: 'staff' as const }, issuedAt: 0, expiresAt: Date.now() / 1000 + 60 });
    cache.set('a', entry('a'));
    cache.set('b', entry('b'));
    cache.set('c', entry('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')?.principal.userId).toBe('c');
  });

  it('rejects a token without a valid role claim', async () => {
    const response = await call(auth(issuer.signRaw({ sub: 'x', iss: issuer.issuer, aud: issuer.audience, role: 'god' })));
    expect(response.statusCode).toBe(401);
  });
});

describe('load shedding', () => {
  it('answers 503 in the error shape while overloaded, and keeps the health probes answering', async () => {
    const loaded = await createService({ name: 'loaded', logLevel: 'silent', maxEventLoopDelayMs: 1 });
    loaded.get('/api/anything', async () => ({ ok: true }));
    await loaded.ready();
    try {
      // Block the event loop past the threshold until the next sample sees it.
      const response = await vi.waitFor(
        async () => {
          const until = Date.now() + 50;
          while (Date.now() < until);
          const res = await loaded.inject({ method: 'GET', url: '/api/anything' });
          if (res.statusCode !== 503) throw new Error(`still ${res.statusCode}`);
          return res;
        },
        { timeout: 15_000, interval: 100 },
      );
      expect(response.json()).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      expect(response.headers['retry-after']).toBe('5');
      expect((await loaded.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await loaded.close();
    }
  });
});
