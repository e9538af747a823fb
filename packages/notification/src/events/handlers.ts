import type { EventType, TypedEvent } from '@pms/contracts';
import type { EventHandlers, Transaction } from '@pms/platform';
import { notifyingEventTypes } from '../domain/messages.js';
import { recordEventNotifications } from '../domain/notifications.js';
import { forgetContact, recordContact, reminderSchedule } from '../domain/reminders.js';

type Effect = (event: TypedEvent, tx: Transaction) => Promise<unknown>;

/**
 * Per event type, everything it does here, in the consumer's transaction: notifying event types
 * log their messages; appointment events keep the reminder schedule; patient events keep the
 * contact copy reminders consult.
 */
export function notificationHandlers(reminderOffsetsSeconds: number[]): EventHandlers {
  const schedule = reminderSchedule(reminderOffsetsSeconds);
  const effects = new Map<EventType, Effect[]>();
  const add = <T extends EventType>(type: T, effect: (event: TypedEvent<T>, tx: Transaction) => Promise<unknown>) =>
    effects.set(type, [...(effects.get(type) ?? []), effect as Effect]);

  for (const type of notifyingEventTypes) add(type, (event, tx) => recordEventNotifications(tx, event));
  add('AppointmentBooked', (event, tx) => schedule.booked(tx, event.data, new Date(event.occurredAt)));
  add('AppointmentRescheduled', (event, tx) => schedule.rescheduled(tx, event.data, new Date(event.occurredAt)));
  for (const type of ['AppointmentCancelled', 'AppointmentCompleted', 'AppointmentNoShow'] as const) {
    add(type, (event, tx) => schedule.ended(tx, event.data));
  }
  add('PatientCreated', (event, tx) => recordContact(tx, event));
  add('PatientUpdated', (event, tx) => recordContact(tx, event));
  add('PatientDeleted', (event, tx) => forgetContact(tx, event));

  return Object.fromEntries(
    [...effects].map(([type, list]) => [
      type,
      async (event: TypedEvent, tx: Transaction) => {
        for (const effect of list) await effect(event, tx);
      },
    ]),
  );
}
