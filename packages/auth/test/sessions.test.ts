import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, decodeJwt, startAuth, uniqueEmail, type TestAuth } from './support/auth-app.js';

let auth: TestAuth;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  auth = await startAuth();
  api = client(auth.app);
});
afterAll(() => auth.close());

describe('register', () => {
  it('creates a patient and never exposes the password hash', async () => {
    const email = uniqueEmail();
    const response = await api.register(email, 'correct horse battery', { name: 'Ada Patient' });
    expect(response.statusCode).toBe(201);
    const user = response.json();
    expect(user).toMatchObject({ email, name: 'Ada Patient', role: 'patient', doctorId: null });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).not.toMatch(/argon2|password/i);
  });

  it('never yields an admin, whatever role the body asks for', async () => {
    const email = uniqueEmail();
    const response = await api.register(email, 'correct horse battery', { role: 'admin' });
    expect(response.statusCode).toBe(201);
    expect(response.json().role).toBe('patient');
    const { accessToken } = await api.tokensFor(email, 'correct horse battery');
    expect(decodeJwt(accessToken).payload.role).toBe('patient');
    expect((await api.me(accessToken)).json().role).toBe('patient');
  });

  it('answers 409 for an email that is taken, in any letter case', async () => {
    const email = uniqueEmail();
    expect((await api.register(email)).statusCode).toBe(201);
    const again = await api.register(email.toUpperCase());
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
  });
});

describe('login', () => {
  it('answers a token pair whose access token carries the expected claims', async () => {
    const email = uniqueEmail();
    const user = (await api.register(email, 'correct horse battery')).json();
    const response = await api.login(email.toUpperCase(), 'correct horse battery');
    expect(response.statusCode).toBe(200);
    const pair = response.json();
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(pair.refreshToken).toMatch(/^[\w-]{43}$/);
    const { header, payload } = decodeJwt(pair.accessToken);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: auth.signingKey.kid });
    expect(payload).toMatchObject({ sub: user.id, role: 'patient', email, iss: 'pms-auth', aud: 'pms' });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
  });

  it('gives the same 401 for a wrong password and an unknown email', async () => {
    const email = uniqueEmail();
    await api.register(email, 'correct horse battery');
    const wrongPassword = await api.login(email, 'not the password');
    const unknownEmail = await api.login(uniqueEmail(), 'not the password');
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS', message: 'Invalid email or password' });
    }
    const { requestId: _a, ...first } = wrongPassword.json();
    const { requestId: _b, ...second } = unknownEmail.json();
    expect(first).toEqual(second);
  });
});

describe('me', () => {
  it('answers the caller with a valid access token and 401 without one', async () => {
    const email = uniqueEmail();
    await api.register(email);
    const { accessToken } = await api.tokensFor(email, 'correct horse battery');
    const me = await api.me(accessToken);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email, role: 'patient' });
    const anonymous = await auth.app.inject({ method: 'GET', url: '/auth/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('refresh and logout', () => {
  async function session() {
    const email = uniqueEmail();
    await api.register(email);
    return api.tokensFor(email, 'correct horse battery');
  }
  const refresh = (refreshToken: string) => api.post('/auth/refresh', { refreshToken });

  it('rotates: the new pair works, the old refresh token is spent', async () => {
    const first = await session();
    const rotated = await refresh(first.refreshToken);
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await api.me(second.accessToken)).statusCode).toBe(200);
    const third = await refresh(second.refreshToken);
    expect(third.statusCode).toBe(200);
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const first = await session();
    const second = (await refresh(first.refreshToken)).json();
    const third = (await refresh(second.refreshToken)).json();

    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    // The newest token of the family, never used before, is dead too.
    const newest = await refresh(third.refreshToken);
    expect(newest.statusCode).toBe(401);
    expect(newest.json().code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('leaves other sessions of the same user alone on reuse', async () => {
    const email = uniqueEmail();
    await api.register(email);
    const phone = await api.tokensFor(email, 'correct horse battery');
    const laptop = await api.tokensFor(email, 'correct horse battery');
    await refresh(phone.refreshToken);
    expect((await refresh(phone.refreshToken)).statusCode).toBe(401);
    expect((await refresh(laptop.refreshToken)).statusCode).toBe(200);
  });

  it('lets exactly one of two concurrent rotations of one token win', async () => {
    const first = await session();
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('logout revokes the session: its refresh tokens stop working', async () => {
    const first = await session();
    const second = (await refresh(first.refreshToken)).json();
    const logout = await api.post('/auth/logout', { refreshToken: second.refreshToken });
    expect(logout.statusCode).toBe(204);
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    // Logging out twice, or with an unknown token, is harmless.
    expect((await api.post('/auth/logout', { refreshToken: second.refreshToken })).statusCode).toBe(204);
    expect((await api.post('/auth/logout', { refreshToken: 'never-issued' })).statusCode).toBe(204);
  });

  it('rejects an unknown refresh token', async () => {
    const response = await refresh('x'.repeat(43));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ statusCode: 401, code: 'INVALID_REFRESH_TOKEN' });
  });
});
