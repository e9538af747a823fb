import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { client, decodeJwt, startAuth, startAuthAsAdmin, uniqueEmail, type AuthClient, type TestAuth } from './support/auth-app.js';

let auth: TestAuth;
let api: AuthClient;
let adminToken: string;

beforeAll(async () => ({ auth, api, adminToken } = await startAuthAsAdmin()));
afterAll(() => auth.close());

const createUser = (token: string | undefined, body: object) =>
  api.post('/auth/users', body, token ? { authorization: `Bearer ${token}` } : {});

describe('POST /auth/users', () => {
  it('lets an admin create a doctor account linked to a doctor', async () => {
    const email = uniqueEmail('doctor');
    const doctorId = randomUUID();
    const response = await createUser(adminToken, { email, password: 'doctor password', role: 'doctor', doctorId, name: 'Dr Who' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ email, role: 'doctor', doctorId, name: 'Dr Who' });
    const { accessToken } = await api.tokensFor(email, 'doctor password');
    expect(decodeJwt(accessToken).payload).toMatchObject({ role: 'doctor', doctorId });
  });

  it('answers 403 to staff and patients, 401 without a token', async () => {
    const staffEmail = uniqueEmail('staff');
    expect((await createUser(adminToken, { email: staffEmail, password: 'staff password', role: 'staff' })).statusCode).toBe(201);
    const staffToken = (await api.tokensFor(staffEmail, 'staff password')).accessToken;
    const patientEmail = uniqueEmail('patient');
    await api.register(patientEmail);
    const patientToken = (await api.tokensFor(patientEmail, 'correct horse battery')).accessToken;

    const body = { email: uniqueEmail(), password: 'some password', role: 'admin' };
    const asStaff = await createUser(staffToken, body);
    expect(asStaff.statusCode).toBe(403);
    expect(asStaff.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    expect((await createUser(patientToken, body)).statusCode).toBe(403);
    expect((await createUser(undefined, body)).statusCode).toBe(401);
    // None of them created the account.
    expect((await api.login(body.email, body.password)).statusCode).toBe(401);
  });

  it('answers 409 for a taken email', async () => {
    const email = uniqueEmail();
    await api.register(email);
    const response = await createUser(adminToken, { email, password: 'some password', role: 'staff' });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('EMAIL_TAKEN');
  });

  it('cannot create patients (they register themselves)', async () => {
    const response = await createUser(adminToken, { email: uniqueEmail(), password: 'some password', role: 'patient' });
    expect(response.statusCode).toBe(400);
    expect(response.json().details.map((d: { field: string }) => d.field)).toEqual(['role']);
  });
});

describe('demo admin seeding', () => {
  it('is idempotent: a restart on the same database keeps the one admin and its password', async () => {
    const restarted = await startAuth(
      { ADMIN_EMAIL: auth.admin.email, ADMIN_PASSWORD: 'a different password' },
      { databaseUrl: auth.config.DATABASE_URL, signingKey: auth.signingKey },
    );
    try {
      const restartedApi = client(restarted.app);
      expect((await restartedApi.login(auth.admin.email, auth.admin.password)).statusCode).toBe(200);
      expect((await restartedApi.login(auth.admin.email, 'a different password')).statusCode).toBe(401);
      const me = await restartedApi.me((await restartedApi.tokensFor(auth.admin.email, auth.admin.password)).accessToken);
      expect(me.json()).toMatchObject({ email: auth.admin.email, role: 'admin' });
    } finally {
      await restarted.close();
    }
  });
});
