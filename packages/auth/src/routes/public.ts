import { JsonWebKeySet, LoginBody, RefreshBody, RegisterBody, TokenPair, User, VerifyEmailBody } from '@pms/contracts';
import type { ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import { registerPatientAccount } from '../domain/accounts.js';
import type { AuthContext } from '../domain/context.js';
import { verifyEmail } from '../domain/email-verification.js';
import { TooManyLoginAttempts } from '../domain/login-throttle.js';
import { login, logout, refreshSession } from '../domain/sessions.js';

/** The routes anyone may call: no access token needed. */
export function registerPublicRoutes(app: ServiceInstance, ctx: AuthContext, jwks: JsonWebKeySet) {
  app.post(
    '/auth/register',
    {
      schema: {
        summary: 'Self-registration (always role patient); sends a verification email',
        description: 'The account can create or claim a patient record only once its email is verified (POST /auth/verify-email).',
        body: RegisterBody,
        response: { 201: User },
      },
    },
    async (request, reply) => reply.code(201).send(await registerPatientAccount(ctx, request.body, request.id)),
  );

  app.post(
    '/auth/verify-email',
    {
      schema: {
        summary: 'Prove the email of an account with the token from its verification email',
        description: 'Single use; expires. Refresh the access token afterwards to get `email_verified: true`.',
        body: VerifyEmailBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await verifyEmail(ctx, request.body.token);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/login',
    { schema: { summary: 'Trade credentials for tokens', body: LoginBody, response: { 200: TokenPair } } },
    async (request, reply) => {
      try {
        return await login(ctx, { ...request.body, address: request.ip });
      } catch (error) {
        if (error instanceof TooManyLoginAttempts) reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
    },
  );

  app.post(
    '/auth/refresh',
    { schema: { summary: 'Rotate a refresh token', body: RefreshBody, response: { 200: TokenPair } } },
    async (request) => refreshSession(ctx, request.body.refreshToken),
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        summary: "Revoke the session of a refresh token, and the user's access tokens issued so far",
        body: RefreshBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await logout(ctx, request.body.refreshToken, request.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/.well-known/jwks.json',
    { schema: { summary: 'Public keys that verify access tokens', response: { 200: JsonWebKeySet } } },
    async (_request, reply) => {
      // Verifiers cache it; a rotated key shows up through their refetch on an unknown kid.
      reply.header('cache-control', 'public, max-age=300');
      return jwks;
    },
  );
}
