import { createTestDatabase } from '@pms/devstack';
import type { DatabaseHandle, ServiceInstance } from '@pms/platform';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { AuthConfig } from '../../src/config.js';
import type { SigningKey } from '../../src/domain/signing-key.js';
import { generateSigningKey, startTestAuthService } from '../../src/testing.js';

export interface TestAuth {
  app: ServiceInstance;
  database: DatabaseHandle;
  config: AuthConfig;
  signingKey: SigningKey;
  admin: { email: string; password: string };
  close(): Promise<void>;
}

export const newSigningKey = generateSigningKey;

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID()}@example.test`;

/** A real auth app on a database of its own (unless given one), with a seeded admin; `env` overrides the environment. */
export async function startAuth(env: Record<string, string> = {}, options: { databaseUrl?: string; signingKey?: SigningKey } = {}): Promise<TestAuth> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(inject('databaseUrl'), 'auth'));
  const service = await startTestAuthService({
    databaseUrl,
    kafkaBrokers: inject('kafkaBrokers'),
    env: { ADMIN_EMAIL: uniqueEmail('admin'), ADMIN_PASSWORD: `pw-${randomUUID()}`, ...env },
    signingKey: options.signingKey,
  });
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = service.config;
  if (!email || !password) throw new Error('the test auth needs an admin');
  return { ...service, admin: { email, password } };
}

/** A test file's auth app, a client for it and the seeded admin's access token. */
export async function startAuthAsAdmin(env: Record<string, string> = {}) {
  const auth = await startAuth(env);
  const api = client(auth.app);
  const adminToken = (await api.tokensFor(auth.admin.email, auth.admin.password)).accessToken;
  return { auth, api, adminToken };
}

export type AuthClient = ReturnType<typeof client>;

/** Helpers over app.inject for the common calls. */
export function client(app: ServiceInstance) {
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers });
  return {
    post,
    register: (email: string, password = 'correct horse battery', extra: object = {}) =>
      post('/auth/register', { email, password, ...extra }),
    login: (email: string, password: string) => post('/auth/login', { email, password }),
    me: (accessToken: string) => app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${accessToken}` } }),
    /** Registers (or uses the given account) and logs in; returns the token pair. */
    async tokensFor(email: string, password: string): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
      const response = await post('/auth/login', { email, password });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      return response.json();
    },
  };
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}
