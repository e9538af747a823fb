import { CreateUserBody, User, UserIdParams, UserList, UserListQuery } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import { createStaffAccount, deleteAccount, listAccounts, readAccount, readOwnAccount, setAccountDisabled } from '../domain/accounts.js';
import type { AuthContext } from '../domain/context.js';
import { resendEmailVerification } from '../domain/email-verification.js';

const bearer = [{ bearerAuth: [] }];

/** Routes for a signed-in caller; registered where every request needs a valid access token. */
export function registerCallerRoutes(app: ServiceInstance, ctx: AuthContext) {
  app.get(
    '/auth/me',
    { schema: { summary: 'The calling user', security: bearer, response: { 200: User } } },
    async (request) => readOwnAccount(ctx, actorOf(request)),
  );

  app.post(
    '/auth/users',
    {
      schema: {
        summary: 'Create a staff, doctor or admin account (admin only)',
        security: bearer,
        body: CreateUserBody,
        response: { 201: User },
      },
    },
    async (request, reply) => reply.code(201).send(await createStaffAccount(ctx, actorOf(request), request.body)),
  );

  app.post(
    '/auth/verification-email',
    {
      schema: {
        summary: 'Send a new verification email (earlier links stop working)',
        security: bearer,
        response: { 202: z.null() },
      },
    },
    async (request, reply) => {
      await resendEmailVerification(ctx, actorOf(request));
      return reply.code(202).send(null);
    },
  );

  app.get(
    '/auth/users',
    {
      schema: {
        summary: 'Find user accounts, e.g. by email to link a patient record (staff, admin)',
        security: bearer,
        querystring: UserListQuery,
        response: { 200: UserList },
      },
    },
    async (request) => listAccounts(ctx, actorOf(request), request.query),
  );

  app.get(
    '/auth/users/:id',
    {
      schema: {
        summary: 'One user account by id, e.g. to name the actor of an audit entry (staff, admin)',
        security: bearer,
        params: UserIdParams,
        response: { 200: User },
      },
    },
    async (request) => readAccount(ctx, actorOf(request), request.params.id),
  );

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(
      `/auth/users/:id/${action}`,
      {
        schema: {
          summary: disabled ? "Disable an account: no logins, and its tokens are revoked within seconds (admin)" : 'Enable a disabled account (admin)',
          security: bearer,
          params: UserIdParams,
          response: { 200: User },
        },
      },
      async (request) => setAccountDisabled(ctx, actorOf(request), request.params.id, disabled),
    );
  }

  app.delete(
    '/auth/users/:id',
    {
      schema: {
        summary: 'Delete an account; its tokens are revoked within seconds (admin)',
        security: bearer,
        params: UserIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteAccount(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
