import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startAuth, uniqueEmail, type TestAuth } from './support/auth-app.js';

// A NUL character reached PostgreSQL ("invalid byte sequence") and answered 500; it is a 400
// naming the field (issue 10 #3).
let auth: TestAuth;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  auth = await startAuth();
  api = client(auth.app);
});
afterAll(() => auth.close());

const fieldsOf = (body: { details?: { field: string }[] }) => (body.details ?? []).map((detail) => detail.field);

describe('a NUL character', () => {
  it('in the name of a registering user is a 400 naming the name', async () => {
    const response = await api.register(uniqueEmail(), 'long enough password', { name: 'Vera\u0000' });
    expect([response.statusCode, fieldsOf(response.json())]).toEqual([400, ['name']]);
  });

  it('in the name of a user an admin creates is a 400 naming the name', async () => {
    const { accessToken } = await api.tokensFor(auth.admin.email, auth.admin.password);
    const response = await api.post(
      '/auth/users',
      { email: uniqueEmail('staff'), password: 'long enough password', name: 'a\u0000b', role: 'staff' },
      { authorization: `Bearer ${accessToken}` },
    );
    expect([response.statusCode, fieldsOf(response.json())]).toEqual([400, ['name']]);
  });
});
