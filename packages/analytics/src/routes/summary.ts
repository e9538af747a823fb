import { Summary, SummaryQuery } from '@pms/contracts';
import { actorOf, type Database, type ServiceInstance } from '@pms/platform';
import { getSummary } from '../domain/summary.js';

export function summaryRoutes(app: ServiceInstance, { db }: { db: Database }) {
  app.get(
    '/api/analytics/summary',
    {
      schema: {
        summary: 'Counts and revenue in [from, to): totals, per UTC day of the event, per doctor, per specialty',
        tags: ['analytics'],
        querystring: SummaryQuery,
        response: { 200: Summary },
      },
    },
    async (request) => getSummary(db, actorOf(request), request.query),
  );
}
