import type { EventType, TypedEvent } from '@pms/contracts';
import type { EventHandlers, Transaction } from '@pms/platform';
import { notifyingEventTypes } from '../domain/messages.js';
import { recordEventNotifications } from '../domain/notifications.js';
import { forgetContact, recordContact, reminderSchedule } from '../domain/reminders.js';

type Effect = (event: TypedEvent, tx: Transaction) => Promise<unknown>;

export interface NotificationConsumer {
  /** One event at a time: how a failed batch is retried event by event. */
  handlers: EventHandlers;
  /** A batch at once: every message it causes logged in one statement, then the other effects in order. */
  handleBatch: (events: TypedEvent[], tx: Transaction) => Promise<void>;
}

/**
 * Per event type, everything it does here, in the consumer's transaction: notifying event types
 * log their messages; appointment events keep the reminder schedule; patient events keep the
 * contact copy reminders consult. The messages depend on nothing the other effects write, so a
 * batch logs them first.
 */
export function notificationConsumer(reminderOffsetsSeconds: number[]): NotificationConsumer {
  const schedule = reminderSchedule(reminderOffsetsSeconds);
  const effects = new Map<EventType, Effect[]>();
  const add = <T extends EventType>(type: T, effect: (event: TypedEvent<T>, tx: Transaction) => Promise<unknown>) =>
    effects.set(type, [...(effects.get(type) ?? []), effect as Effect]);

  add('AppointmentBooked', (event, tx) => schedule.booked(tx, event.data, new Date(event.occurredAt)));
  add('AppointmentRescheduled', (event, tx) => schedule.rescheduled(tx, event.data, new Date(event.occurredAt)));
  for (const type of ['AppointmentCancelled', 'AppointmentCompleted', 'AppointmentNoShow'] as const) {
    add(type, (event, tx) => schedule.ended(tx, event.data));
  }
  add('PatientCreated', (event, tx) => recordContact(tx, event));
  add('PatientUpdated', (event, tx) => recordContact(tx, event));
  add('PatientDeleted', (event, tx) => forgetContact(tx, event));

  const handleBatch = async (events: TypedEvent[], tx: Transaction) => {
    await recordEventNotifications(tx, events);
    for (const event of events) for (const effect of effects.get(event.type) ?? []) await effect(event, tx);
  };
  const handledTypes = new Set<EventType>([...notifyingEventTypes, ...effects.keys()]);
  return {
    handlers: Object.fromEntries([...handledTypes].map((type) => [type, (event: TypedEvent, tx: Transaction) => handleBatch([event], tx)])),
    handleBatch,
  };
}
