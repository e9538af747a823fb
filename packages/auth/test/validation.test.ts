import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthAsAdmin, uniqueEmail, type AuthClient, type TestAuth } from './support/auth-app.js';

let auth: TestAuth;
let api: AuthClient;
let adminToken: string;

beforeAll(async () => ({ auth, api, adminToken } = await startAuthAsAdmin()));
afterAll(() => auth.close());

const good = () => ({ email: uniqueEmail(), password: 'long enough password' });

describe('bad input gets 400 naming the failing field', () => {
  it.each([
    ['register: missing email', '/auth/register', () => ({ password: 'long enough password' }), 'email'],
    ['register: missing password', '/auth/register', () => ({ email: uniqueEmail() }), 'password'],
    ['register: not an email', '/auth/register', () => ({ ...good(), email: 'not-an-email' }), 'email'],
    ['register: short password', '/auth/register', () => ({ ...good(), password: 'short' }), 'password'],
    ['register: password of the wrong type', '/auth/register', () => ({ ...good(), password: 123456789 }), 'password'],
    ['register: name of the wrong type', '/auth/register', () => ({ ...good(), name: 42 }), 'name'],
    ['register: oversized email', '/auth/register', () => ({ ...good(), email: `${'a'.repeat(250)}@example.test` }), 'email'],
    ['register: oversized password', '/auth/register', () => ({ ...good(), password: 'p'.repeat(257) }), 'password'],
    ['register: oversized name', '/auth/register', () => ({ ...good(), name: 'n'.repeat(201) }), 'name'],
    // PostgreSQL cannot store a NUL character: it answered 500 (issue 10 #3).
    ['register: NUL in the name', '/auth/register', () => ({ ...good(), name: 'Vera\u0000' }), 'name'],
    ['register: NUL in the password', '/auth/register', () => ({ ...good(), password: 'long enough\u0000password' }), 'password'],
    ['login: missing password', '/auth/login', () => ({ email: uniqueEmail() }), 'password'],
    ['login: email of the wrong type', '/auth/login', () => ({ email: 7, password: 'whatever' }), 'email'],
    ['refresh: missing token', '/auth/refresh', () => ({}), 'refreshToken'],
    ['refresh: oversized token', '/auth/refresh', () => ({ refreshToken: 'r'.repeat(513) }), 'refreshToken'],
    ['logout: token of the wrong type', '/auth/logout', () => ({ refreshToken: ['a'] }), 'refreshToken'],
  ])('%s', async (_name, url, body, field) => {
    const response = await api.post(url, body());
    expect(response.statusCode).toBe(400);
    const error = response.json();
    expect(error).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(error.requestId).toEqual(expect.any(String));
    expect(error.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
  });

  it('names every failing field at once', async () => {
    const response = await api.post('/auth/register', { email: 'nope', password: 'short' });
    expect(response.json().details.map((detail: { field: string }) => detail.field).sort()).toEqual(['email', 'password']);
  });

  it('checks the admin-only body too (a doctorId that is not a uuid)', async () => {
    const response = await api.post(
      '/auth/users',
      { ...good(), role: 'doctor', doctorId: 'doctor-7' },
      { authorization: `Bearer ${adminToken}` },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().details.map((detail: { field: string }) => detail.field)).toEqual(['doctorId']);
  });

  it('answers malformed JSON with 400 in the error shape', async () => {
    const response = await api.post('/auth/login', '{"email":', { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
  });
});

describe('body size', () => {
  it('answers 413 in the error shape for a body over the limit', async () => {
    const response = await api.post('/auth/register', { ...good(), name: 'x'.repeat(1_100_000) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
  });
});
