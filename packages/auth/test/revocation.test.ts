import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAuthAsAdmin, uniqueEmail, type AuthClient, type TestAuth } from './support/auth-app.js';

// Revocation travels as UserTokensRevoked through Kafka (auth-revocations): auth's own
// checks read the same feed as every other service, so these tests wait for it.
let auth: TestAuth;
let api: AuthClient;
let admin: string;
const password = 'correct horse battery';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const within = { timeout: 10_000, interval: 100 };

beforeAll(async () => ({ auth, api, adminToken: admin } = await startAuthAsAdmin()));
afterAll(() => auth.close());

async function newPatient() {
  const email = uniqueEmail('patient');
  const user = (await api.register(email, password)).json();
  return { email, id: user.id as string, ...(await api.tokensFor(email, password)) };
}
const asAdmin = (method: 'POST' | 'DELETE' | 'GET', url: string) => auth.app.inject({ method, url, headers: bearer(admin) });

describe('revoking access tokens', () => {
  it('logout revokes the access tokens issued so far within seconds; a new login works at once', async () => {
    const user = await newPatient();
    expect((await api.me(user.accessToken)).statusCode).toBe(200);
    expect((await api.post('/auth/logout', { refreshToken: user.refreshToken })).statusCode).toBe(204);
    await vi.waitFor(async () => expect((await api.me(user.accessToken)).json()).toMatchObject({ statusCode: 401, code: 'TOKEN_REVOKED' }), within);
    const again = await api.tokensFor(user.email, password);
    expect((await api.me(again.accessToken)).statusCode).toBe(200);
  });

  it('disabling an account stops its logins, refreshes and tokens; enabling lets it log in again', async () => {
    const user = await newPatient();
    const disabled = await asAdmin('POST', `/auth/users/${user.id}/disable`);
    expect(disabled.json()).toMatchObject({ id: user.id, disabled: true });
    expect((await api.login(user.email, password)).json()).toMatchObject({ statusCode: 403, code: 'ACCOUNT_DISABLED' });
    expect((await api.post('/auth/refresh', { refreshToken: user.refreshToken })).statusCode).toBe(401);
    await vi.waitFor(async () => expect((await api.me(user.accessToken)).statusCode).toBe(401), within);

    expect((await asAdmin('POST', `/auth/users/${user.id}/enable`)).json()).toMatchObject({ disabled: false });
    expect((await api.login(user.email, password)).statusCode).toBe(200);
  });

  it('deleting an account revokes its tokens', async () => {
    const user = await newPatient();
    expect((await asAdmin('DELETE', `/auth/users/${user.id}`)).statusCode).toBe(204);
    await vi.waitFor(async () => expect((await api.me(user.accessToken)).statusCode).toBe(401), within);
    expect((await api.login(user.email, password)).statusCode).toBe(401);
    expect((await asAdmin('DELETE', `/auth/users/${user.id}`)).statusCode).toBe(404);
  });

  it('only admins disable or delete; staff and admins look users up by email', async () => {
    const user = await newPatient();
    const other = await newPatient();
    expect((await auth.app.inject({ method: 'POST', url: `/auth/users/${other.id}/disable`, headers: bearer(user.accessToken) })).statusCode).toBe(403);
    expect((await auth.app.inject({ method: 'GET', url: `/auth/users?email=${other.email}`, headers: bearer(user.accessToken) })).statusCode).toBe(403);
    const found = await asAdmin('GET', `/auth/users?email=${encodeURIComponent(other.email.toUpperCase())}`);
    expect(found.json().items).toEqual([expect.objectContaining({ id: other.id, email: other.email, role: 'patient' })]);
    expect(found.body).not.toMatch(/argon2|password/i);
  });

  it('staff and admins read one account by id (an audit entry names its actor); a patient may not', async () => {
    const user = await newPatient();
    const other = await newPatient();
    const read = await asAdmin('GET', `/auth/users/${other.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: other.id, email: other.email, role: 'patient' });
    expect(read.body).not.toMatch(/argon2|password/i);
    expect((await auth.app.inject({ method: 'GET', url: `/auth/users/${other.id}`, headers: bearer(user.accessToken) })).statusCode).toBe(403);
    expect((await asAdmin('GET', '/auth/users/00000000-0000-4000-8000-000000000000')).json()).toMatchObject({ statusCode: 404, code: 'USER_NOT_FOUND' });
    expect((await asAdmin('GET', '/auth/users/not-a-uuid')).json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });
});
