import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth, uniqueEmail, type TestAuth } from './support/auth-app.js';

let auth: TestAuth;

beforeAll(async () => {
  auth = await startAuth({ LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '6', LOGIN_RATE_WINDOW_SECONDS: '60' });
});
afterAll(() => auth.close());

let addressCounter = 0;
/** A caller address of its own per test, so the per-address budget of one test never leaks into another. */
const newAddress = () => `198.51.100.${++addressCounter}`;
const password = 'correct horse battery';

async function register(email: string) {
  const response = await auth.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } });
  expect(response.statusCode).toBe(201);
}
const login = (email: string, attempt: string, address: string) =>
  auth.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: attempt }, remoteAddress: address });

describe('login rate limit', () => {
  it('locks an email after its failed attempts, even with the right password, from any address', async () => {
    const email = uniqueEmail();
    await register(email);
    for (let i = 0; i < 3; i++) expect((await login(email, 'wrong password', newAddress())).statusCode).toBe(401);
    const limited = await login(email, password, newAddress());
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'LOGIN_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits one address across many emails', async () => {
    const address = newAddress();
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await login(uniqueEmail(), 'wrong password', address)).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 401, 401, 429]);
    // Another address is unaffected.
    expect((await login(uniqueEmail(), 'wrong password', newAddress())).statusCode).toBe(401);
  });

  it('takes the address from X-Forwarded-For (auth sits behind the gateway)', async () => {
    const forwarded = newAddress();
    const viaGateway = (gatewaySocket: string) =>
      auth.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: uniqueEmail(), password: 'wrong password' },
        remoteAddress: gatewaySocket,
        headers: { 'x-forwarded-for': forwarded },
      });
    for (let i = 0; i < 6; i++) expect((await viaGateway(newAddress())).statusCode).toBe(401);
    expect((await viaGateway(newAddress())).statusCode).toBe(429);
  });

  it('does not count successful logins', async () => {
    const email = uniqueEmail();
    await register(email);
    const address = newAddress();
    for (let i = 0; i < 8; i++) expect((await login(email, password, address)).statusCode).toBe(200);
  });

  it('counts concurrent guesses before they finish, so a burst cannot slip past the limit', async () => {
    const email = uniqueEmail();
    await register(email);
    const answers = await Promise.all(Array.from({ length: 6 }, () => login(email, 'wrong password', newAddress())));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([401, 401, 401, 429, 429, 429]);
  });
});
