import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../src/api/client.js';
import { ApiError } from '../../src/api/errors.js';
import { fetchPatientRecord } from '../../src/lib/export.js';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const accessToken = (claims: object) => `${base64url({ alg: 'EdDSA' })}.${base64url(claims)}.signature`;
const pair = (n: number, claims: object = { sub: 'u1', role: 'staff' }) => ({
  accessToken: accessToken({ ...claims, n }),
  refreshToken: `refresh-${n}`,
  tokenType: 'Bearer',
  expiresIn: 900,
});

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

type Handler = (path: string, init: RequestInit) => Response | Promise<Response>;
const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function clientWith(handler: Handler) {
  const storage = memoryStorage();
  const calls: { path: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init: RequestInit = {}) => {
    const path = String(url);
    calls.push({ path, init });
    return handler(path, init);
  }) as unknown as typeof globalThis.fetch;
  return { api: new ApiClient({ storage, fetch }), storage, calls };
}

afterEach(() => vi.useRealTimers());

describe('ApiClient', () => {
  it('keeps the access token in memory only and sends it as a bearer token', async () => {
    const { api, storage, calls } = clientWith((path) => (path === '/auth/login' ? json(200, pair(1)) : json(200, { ok: true })));
    const claims = await api.signIn('a@example.test', 'secret-pw');
    expect(claims).toMatchObject({ sub: 'u1', role: 'staff' });
    expect([...storage.items.values()]).toEqual(['refresh-1']);
    await api.get('/api/patients');
    expect(new Headers(calls[1]!.init.headers).get('authorization')).toBe(`Bearer ${pair(1).accessToken}`);
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    let refreshes = 0;
    const { api, calls } = clientWith((path, init) => {
      if (path === '/auth/login') return json(200, pair(1));
      if (path === '/auth/refresh') return json(200, pair(2 + refreshes++));
      const bearer = new Headers(init.headers).get('authorization');
      return bearer === `Bearer ${pair(2).accessToken}` ? json(200, { ok: true }) : json(401, { code: 'TOKEN_EXPIRED', message: 'expired' });
    });
    await api.signIn('a@example.test', 'secret-pw');
    // Two requests fail at once: one refresh serves both.
    await expect(Promise.all([api.get('/api/a'), api.get('/api/b')])).resolves.toEqual([{ ok: true }, { ok: true }]);
    expect(refreshes).toBe(1);
    expect(JSON.parse(String(calls.find((c) => c.path === '/auth/refresh')!.init.body))).toEqual({ refreshToken: 'refresh-1' });
  });

  it('refreshes quietly before the access token expires', async () => {
    vi.useFakeTimers();
    const { api, calls } = clientWith((path) => (path === '/auth/login' ? json(200, pair(1)) : json(200, pair(2))));
    await api.signIn('a@example.test', 'secret-pw');
    await vi.advanceTimersByTimeAsync(900_000 - 31_000);
    expect(calls.some((c) => c.path === '/auth/refresh')).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(1);
    expect(api.session).toMatchObject({ n: 2 });
  });

  it('signs out when the refresh token is rejected', async () => {
    const { api, storage } = clientWith((path) => (path === '/auth/login' ? json(200, pair(1)) : json(401, { code: 'INVALID_REFRESH_TOKEN', message: 'no' })));
    await api.signIn('a@example.test', 'secret-pw');
    const seen: unknown[] = [];
    api.subscribe((claims) => seen.push(claims));
    await expect(api.get('/api/patients')).rejects.toMatchObject({ status: 401 });
    expect(api.session).toBeNull();
    expect(storage.items.size).toBe(0);
    expect(seen).toEqual([null]);
  });

  it('sign-out revokes the session with the refresh token and forgets both tokens', async () => {
    const { api, storage, calls } = clientWith((path) => (path === '/auth/login' ? json(200, pair(1)) : json(204)));
    await api.signIn('a@example.test', 'secret-pw');
    await api.signOut();
    const logout = calls.find((c) => c.path === '/auth/logout');
    expect(JSON.parse(String(logout?.init.body))).toEqual({ refreshToken: 'refresh-1' });
    expect(api.session).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('signs out only once the server revoked the session, and even when it cannot be reached', async () => {
    let revoke: ((response: Response) => void) | undefined;
    const { api } = clientWith((path) => (path === '/auth/login' ? json(200, pair(1)) : new Promise<Response>((resolve) => (revoke = resolve))));
    await api.signIn('a@example.test', 'secret-pw');
    const signingOut = api.signOut();
    await vi.waitFor(() => expect(revoke).toBeDefined());
    // Until the revocation is answered, the tab still holds the session (no sign-in screen yet).
    expect(api.session).not.toBeNull();
    revoke!(json(204));
    await signingOut;
    expect(api.session).toBeNull();

    const offline = clientWith((path) => (path === '/auth/login' ? json(200, pair(2)) : Promise.reject(new TypeError('fetch failed'))));
    await offline.api.signIn('a@example.test', 'secret-pw');
    await offline.api.signOut();
    expect(offline.api.session).toBeNull();
    expect(offline.storage.items.size).toBe(0);
  });

  it("turns the error shape into an ApiError with the server's field details", async () => {
    const { api } = clientWith(() =>
      json(400, { statusCode: 400, code: 'VALIDATION_FAILED', message: 'Invalid body: phone', details: [{ field: 'phone', message: 'must be a phone number' }] }),
    );
    const error = await api.post('/api/patients', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ field: 'phone', message: 'must be a phone number' }] });
  });
});

describe('FHIR calls', () => {
  it("ask for a patient's record as application/fhir+json with the bearer token", async () => {
    const bundle = { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: { resourceType: 'Patient', id: 'p 1' } }] };
    const { api, calls } = clientWith((path) => (path === '/auth/login' ? json(200, pair(1)) : json(200, bundle)));
    await api.signIn('a@example.test', 'secret-pw');
    expect(await fetchPatientRecord(api, 'p 1')).toEqual(bundle);
    expect(calls[1]!.path).toBe('/fhir/R4/Patient/p%201/$everything');
    const headers = new Headers(calls[1]!.init.headers);
    expect([headers.get('accept'), headers.get('authorization')]).toEqual(['application/fhir+json', `Bearer ${pair(1).accessToken}`]);
  });

  it('turn an OperationOutcome into an ApiError with its issues and our code', async () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', details: { text: 'Patient x not found' }, diagnostics: 'PATIENT_NOT_FOUND (request r1)' }],
    };
    const { api } = clientWith(() => json(404, outcome));
    const error = await fetchPatientRecord(api, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'PATIENT_NOT_FOUND', message: 'Patient x not found' });
  });
});
