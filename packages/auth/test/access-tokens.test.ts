import { createService, principalOf, type ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenSigner } from '../src/domain/access-tokens.js';
import type { SigningKey } from '../src/domain/signing-key.js';
import { client, decodeJwt, newSigningKey, startAuth, uniqueEmail, type TestAuth } from './support/auth-app.js';

let auth: TestAuth;
let api: ReturnType<typeof client>;
let valid: { accessToken: string; userId: string };

beforeAll(async () => {
  auth = await startAuth();
  api = client(auth.app);
  const email = uniqueEmail();
  const user = (await api.register(email)).json();
  valid = { accessToken: (await api.tokensFor(email, 'correct horse battery')).accessToken, userId: user.id };
});
afterAll(() => auth.close());

const badTokenKinds = [
  'tampered',
  'expired',
  'signed by another key',
  'signed by another key under our kid',
  'another audience',
  'alg none',
  'garbage',
] as const;

/** Every kind of bad token, made from a real one and the key that signed it. */
function badTokens(token: string, key: SigningKey): Record<(typeof badTokenKinds)[number], string> {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = decodeJwt(token).payload;
  const user = { sub: String(claims.sub), role: 'patient' as const };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signer = (audience: string, ttlSeconds: number) => accessTokenSigner(key, { issuer: 'pms-auth', audience, ttlSeconds });
  const foreignIssuer = createTestTokenIssuer();
  return {
    tampered: `${header}.${encode({ ...claims, role: 'admin' })}.${signature}`,
    expired: signer('pms', -60).sign(user),
    'signed by another key': foreignIssuer.token({ role: 'admin' }),
    'signed by another key under our kid': foreignIssuer.signRaw({ ...claims, role: 'admin' }, { kid: key.kid }),
    'another audience': signer('elsewhere', 900).sign(user),
    'alg none': `${encode({ alg: 'none', typ: 'JWT', kid: key.kid })}.${payload}.`,
    garbage: 'not.a.jwt',
  };
}

describe('GET /auth/me verifies the access token', () => {
  it('accepts the real token', async () => {
    expect((await api.me(valid.accessToken)).json().id).toBe(valid.userId);
  });

  it.each(badTokenKinds)('rejects a token that is %s with 401', async (kind) => {
      const token = badTokens(valid.accessToken, auth.signingKey)[kind];
      const response = await api.me(token);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED', requestId: expect.any(String) });
      if (kind === 'expired') expect(response.json().message).toMatch(/expired/i);
  });
});

describe('JWKS', () => {
  let listening: TestAuth;
  let authUrl: string;
  let verifier: ServiceInstance;

  beforeAll(async () => {
    // A real listening auth, and a service that knows nothing but auth's JWKS URL.
    listening = await startAuth({}, { databaseUrl: auth.config.DATABASE_URL, signingKey: newSigningKey() });
    authUrl = await listening.app.listen({ host: '127.0.0.1', port: 0 });
    verifier = await createService({
      name: 'verifier',
      logLevel: 'silent',
      authentication: { keys: { jwksUrl: `${authUrl}/auth/.well-known/jwks.json` }, issuer: 'pms-auth', audience: 'pms' },
    });
    verifier.get('/api/whoami', async (request) => principalOf(request));
    await verifier.ready();
  });
  afterAll(async () => {
    await verifier.close();
    await listening.close();
  });

  it('serves the public key under its kid, and nothing private', async () => {
    const response = await fetch(`${authUrl}/auth/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: listening.signingKey.kid })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it("lets platform's verifier accept a token from a real login over HTTP", async () => {
    const login = await fetch(`${authUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: listening.admin.email, password: listening.admin.password }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const whoami = await verifier.inject({ method: 'GET', url: '/api/whoami', headers: { authorization: `Bearer ${accessToken}` } });
    expect(whoami.statusCode).toBe(200);
    expect(whoami.json()).toMatchObject({ role: 'admin', email: listening.admin.email });
  });

  it("makes platform's verifier reject the bad tokens with 401", async () => {
    const email = uniqueEmail();
    const listeningApi = client(listening.app);
    await listeningApi.register(email);
    const { accessToken } = await listeningApi.tokensFor(email, 'correct horse battery');
    for (const [kind, token] of Object.entries(badTokens(accessToken, listening.signingKey))) {
      const response = await verifier.inject({ method: 'GET', url: '/api/whoami', headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode, kind).toBe(401);
    }
  });
});
