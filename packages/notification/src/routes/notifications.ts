import { Notification, NotificationListQuery, NotificationPage, SendEmailBody } from '@pms/contracts';
import { actorOf, type Database, type ServiceInstance } from '@pms/platform';
import { listNotifications, queueManualEmail } from '../domain/notifications.js';

export interface NotificationRouteDeps {
  db: Database;
  /** Tells the delivery worker a message is waiting (after the insert committed). */
  wake(): void;
}

export function notificationRoutes(app: ServiceInstance, { db, wake }: NotificationRouteDeps) {
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
    async (request) => listNotifications(db, actorOf(request), request.query),
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
      const notification = await queueManualEmail(db, actorOf(request), request.body);
      wake();
      return reply.code(202).send(notification);
    },
  );
}
