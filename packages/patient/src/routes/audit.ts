import { AuditPage, AuditQuery } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { readAuditLog } from '../domain/audit.js';
import type { PatientContext } from '../domain/context.js';

export function auditRoutes(app: ServiceInstance, ctx: PatientContext) {
  // A static path: find-my-way matches it before /api/patients/:id whatever the registration order.
  app.get(
    '/api/patients/audit',
    {
      schema: {
        tags: ['patients'],
        summary: 'The audit log of patient reads and changes, newest first (admin)',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => readAuditLog(ctx, actorOf(request), request.query),
  );
}
