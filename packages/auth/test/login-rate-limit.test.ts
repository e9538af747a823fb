import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth, uniqueEmail, type TestAuth } from './support/auth-app.js';

let auth: TestAuth;
/** A second auth replica on the same database. */
let replica: TestAuth;
const gatewayAddress = '203.0.113.10';
const limits = {
  LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3',
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '6',
  LOGIN_RATE_WINDOW_SECONDS: '60',
  TRUSTED_PROXIES: gatewayAddress,
};

beforeAll(async () => {
  auth = await startAuth(limits);
  replica = await startAuth({ ...limits, ADMIN_EMAIL: auth.admin.email, ADMIN_PASSWORD: auth.admin.password }, { databaseUrl: auth.config.DATABASE_URL });
});
afterAll(async () => {
  await replica?.close();
  await auth?.close();
});

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

  const loginFrom = (socket: string, forwardedFor: string) =>
    auth.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: uniqueEmail(), password: 'wrong password' },
      remoteAddress: socket,
      headers: { 'x-forwarded-for': forwardedFor },
    });

  it('takes the address from X-Forwarded-For only when the gateway (a trusted proxy) sent it', async () => {
    const client = newAddress();
    for (let i = 0; i < 6; i++) expect((await loginFrom(gatewayAddress, client)).statusCode).toBe(401);
    expect((await loginFrom(gatewayAddress, client)).statusCode).toBe(429);
    // The gateway's other clients are not affected.
    expect((await loginFrom(gatewayAddress, newAddress())).statusCode).toBe(401);
  });

  it('ignores X-Forwarded-For from a direct caller: a forged address per request does not escape the limit', async () => {
    const attacker = newAddress();
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await loginFrom(attacker, newAddress())).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 401, 401, 429]);
  });

  it('holds across auth replicas: the budget is shared in PostgreSQL', async () => {
    const email = uniqueEmail();
    await register(email);
    const onReplica = (app: TestAuth['app']) =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: 'wrong password' }, remoteAddress: newAddress() });
    expect((await onReplica(auth.app)).statusCode).toBe(401);
    expect((await onReplica(replica.app)).statusCode).toBe(401);
    expect((await onReplica(auth.app)).statusCode).toBe(401);
    const limited = await replica.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress: newAddress() });
    expect(limited.statusCode).toBe(429);
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
