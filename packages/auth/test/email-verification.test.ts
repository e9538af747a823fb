import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, decodeJwt, startAuth, uniqueEmail, type TestAuth } from './support/auth-app.js';

let auth: TestAuth;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  auth = await startAuth({ PUBLIC_URL: 'https://clinic.example' });
  api = client(auth.app);
});
afterAll(() => auth.close());

/** The verification events queued for an email, newest last (what notification will mail). */
async function verificationEvents(email: string) {
  const rows = await auth.database.db.execute<{ payload: { data: { token: string; link: string; email: string; expiresAt: string } } }>(
    sql`select payload from outbox where type = 'EmailVerificationRequested' and payload->'data'->>'email' = ${email} order by created_at`,
  );
  return rows.map((row) => row.payload.data);
}
const latestToken = async (email: string) => (await verificationEvents(email)).at(-1)!.token;
const verify = (token: string) => api.post('/auth/verify-email', { token });
const password = 'correct horse battery';

describe('email verification', () => {
  it('registering queues one verification email with a single-use link to the console', async () => {
    const email = uniqueEmail();
    expect((await api.register(email, password)).json()).toMatchObject({ email, emailVerified: false });
    const [event, ...more] = await verificationEvents(email);
    expect(more).toHaveLength(0);
    expect(event!.link).toBe(`https://clinic.example/verify-email?token=${event!.token}`);
    expect(new Date(event!.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    // Only the hash is stored.
    const stored = await auth.database.db.execute(sql`select 1 from email_verifications where token_hash = ${event!.token}`);
    expect(stored).toHaveLength(0);
  });

  it('a verified account gets email_verified in its next tokens; the token works once', async () => {
    const email = uniqueEmail();
    await api.register(email, password);
    const before = await api.tokensFor(email, password);
    expect(decodeJwt(before.accessToken).payload.email_verified).toBe(false);

    const token = await latestToken(email);
    expect((await verify(token)).statusCode).toBe(204);
    expect((await api.me(before.accessToken)).json().emailVerified).toBe(true);
    const refreshed = (await api.post('/auth/refresh', { refreshToken: before.refreshToken })).json();
    expect(decodeJwt(refreshed.accessToken).payload.email_verified).toBe(true);

    const again = await verify(token);
    expect(again.statusCode).toBe(400);
    expect(again.json().details).toEqual([expect.objectContaining({ field: 'token' })]);
  });

  it('an expired, unknown or malformed token verifies nothing and names the field', async () => {
    const email = uniqueEmail();
    await api.register(email, password);
    const token = await latestToken(email);
    await auth.database.db.execute(sql`update email_verifications set expires_at = now() - interval '1 second' where user_id = (select id from users where email = ${email})`);
    for (const attempt of [token, 'A'.repeat(43), 'not a token!']) {
      const response = await verify(attempt);
      expect(response.statusCode, attempt).toBe(400);
      expect(response.json().details[0].field).toBe('token');
    }
    const { accessToken } = await api.tokensFor(email, password);
    expect((await api.me(accessToken)).json().emailVerified).toBe(false);
  });

  it('asking again sends a new link and retires the old one; a verified account cannot ask', async () => {
    const email = uniqueEmail();
    await api.register(email, password);
    const first = await latestToken(email);
    const { accessToken } = await api.tokensFor(email, password);
    const resend = () => api.post('/auth/verification-email', {}, { authorization: `Bearer ${accessToken}` });
    expect((await resend()).statusCode).toBe(202);
    const second = await latestToken(email);
    expect(second).not.toBe(first);
    expect((await verify(first)).statusCode).toBe(400);
    expect((await verify(second)).statusCode).toBe(204);
    expect((await resend()).json()).toMatchObject({ statusCode: 409, code: 'EMAIL_ALREADY_VERIFIED' });
    expect((await api.post('/auth/verification-email', {})).statusCode).toBe(401);
  });
});
