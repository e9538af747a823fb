import { Summary, SummaryQuery } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import type { AnalyticsContext } from '../domain/context.js';
import { getSummary } from '../domain/summary.js';

export function summaryRoutes(app: ServiceInstance, ctx: AnalyticsContext) {
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
    async (request) => getSummary(ctx, actorOf(request), request.query),
  );
}
