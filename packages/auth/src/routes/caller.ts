import { CreateUserBody, User } from '@pms/contracts';
import { principalOf, type ServiceInstance } from '@pms/platform';
import type { Accounts } from '../domain/accounts.js';
import { errorResponses } from './error-responses.js';

const bearer = [{ bearerAuth: [] }];

/** Routes for a signed-in caller; registered where every request needs a valid access token. */
export function registerCallerRoutes(app: ServiceInstance, accounts: Accounts) {
  app.get(
    '/auth/me',
    { schema: { summary: 'The calling user', security: bearer, response: { 200: User, ...errorResponses(401, 404) } } },
    async (request) => accounts.get(principalOf(request).userId),
  );

  app.post(
    '/auth/users',
    {
      schema: {
        summary: 'Create a staff, doctor or admin account (admin only)',
        security: bearer,
        body: CreateUserBody,
        response: { 201: User, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await accounts.createByAdmin(principalOf(request), request.body)),
  );
}
