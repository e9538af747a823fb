import { z } from 'zod';
import { emailAddress, isoDateTime, PageQuery, pageOf, text, uuid } from '../common.js';

export const NotificationChannel = z.enum(['EMAIL', 'SMS']);
export const NotificationStatus = z.enum(['PENDING', 'SENT', 'FAILED']);

export const Notification = z
  .object({
    id: uuid,
    recipient: z.string(),
    channel: NotificationChannel,
    type: z.string(),
    eventId: uuid.nullable(),
    subject: z.string().nullable(),
    status: NotificationStatus,
    error: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: isoDateTime,
    sentAt: isoDateTime.nullable(),
    /** When delivery is (re)tried next; null once sent, or after the last attempt failed. */
    nextAttemptAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = PageQuery.extend({
  recipient: text().max(254).optional(),
  type: text().max(100).optional(),
  status: NotificationStatus.optional(),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;
export const NotificationPage = pageOf(Notification);
export type NotificationPage = z.infer<typeof NotificationPage>;
export const SendEmailBody = z.object({
  to: emailAddress,
  subject: text().trim().min(1).max(300),
  text: text().min(1).max(20_000),
});
export type SendEmailBody = z.infer<typeof SendEmailBody>;
