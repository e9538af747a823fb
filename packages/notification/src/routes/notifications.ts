import { Notification, NotificationListQuery, NotificationPage, SendEmailBody } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import type { NotificationContext } from '../domain/context.js';
import { listNotifications, queueManualEmail } from '../domain/notifications.js';

export function notificationRoutes(app: ServiceInstance, ctx: NotificationContext) {
  app.get(
    '/api/notifications',
    {
      schema: {
        summary: 'The notification log, newest first',
        tags: ['notifications'],
        querystring: NotificationListQuery,
        response: { 200: NotificationPage },
      },
    },
    async (request) => listNotifications(ctx, actorOf(request), request.query),
  );

  app.post(
    '/api/notifications/email',
    {
      schema: {
        summary: 'Send an email by hand; answers once it is queued',
        tags: ['notifications'],
        body: SendEmailBody,
        response: { 202: Notification },
      },
    },
    async (request, reply) => {
      return reply.code(202).send(await queueManualEmail(ctx, actorOf(request), request.body));
    },
  );
}
