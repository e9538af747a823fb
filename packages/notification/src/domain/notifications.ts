import type { Notification, NotificationListQuery, NotificationPage, SendEmailBody, TypedEvent } from '@pms/contracts';
import { requireRole, type Actor } from '@pms/platform/domain';
import { findNotifications, insertNotifications, type Executor } from '../db/notifications.js';
import type { NotificationRow } from '../db/schema.js';
import type { NotificationContext } from './context.js';
import { messagesFor } from './messages.js';

export const manualEmailType = 'ManualEmail';

/** The patient an event is about: appointment, invoice, waitlist and patient events name one; auth events none. */
const patientOf = (event: TypedEvent): string | null =>
  'patientId' in event.data && typeof event.data.patientId === 'string' ? event.data.patientId : null;

/**
 * Logs the events' messages as PENDING in the consumer's transaction, in one statement for a
 * whole batch and in the events' order; the delivery worker sends them after commit. The unique
 * (event, channel, recipient) key makes a redelivered event log nothing new, so it is never sent twice.
 */
export async function recordEventNotifications(tx: Executor, events: TypedEvent[]): Promise<NotificationRow[]> {
  const rows = events.flatMap((event) =>
    messagesFor(event).map((message) => ({
      recipient: message.recipient,
      channel: message.channel,
      type: event.type,
      eventId: event.id,
      patientId: patientOf(event),
      subject: message.subject,
      bodyText: message.text,
      bodyHtml: message.html,
    })),
  );
  return insertNotifications(tx, rows);
}

/** Staff send an email by hand; it is queued and sent by the same worker as every other. */
export async function queueManualEmail(
  ctx: NotificationContext,
  actor: Actor,
  input: SendEmailBody,
): Promise<Notification> {
  requireRole(actor.principal, 'staff', 'admin');
  const [row] = await insertNotifications(ctx.db, [
    {
      recipient: input.to,
      channel: 'EMAIL',
      type: manualEmailType,
      subject: input.subject,
      bodyText: input.text,
      requestedBy: actor.principal.userId,
    },
  ]);
  // No event id, so nothing can conflict: a missing row is a bug, not a user error.
  if (!row) throw new Error('manual email was not logged');
  ctx.wakeDelivery();
  return toNotification(row);
}

export async function listNotifications(
  ctx: NotificationContext,
  actor: Actor,
  query: NotificationListQuery,
): Promise<NotificationPage> {
  requireRole(actor.principal, 'staff', 'admin');
  const { rows, total } = await findNotifications(ctx.db, {
    recipient: query.recipient,
    type: query.type,
    status: query.status,
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  });
  return { items: rows.map(toNotification), page: query.page, pageSize: query.pageSize, total };
}

export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    recipient: row.recipient,
    channel: row.channel,
    type: row.type,
    eventId: row.eventId,
    subject: row.subject,
    status: row.status,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
  };
}
