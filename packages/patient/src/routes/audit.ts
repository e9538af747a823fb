import { AuditPage, AuditQuery } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import type { Database } from '../db/database.js';
import { readAuditLog } from '../domain/audit.js';

export function auditRoutes(app: ServiceInstance, db: Database) {
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
    async (request) => readAuditLog(db, actorOf(request), request.query),
  );
}
