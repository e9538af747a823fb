import type { EventType, TypedEvent } from '@pms/contracts';
import { applyInRuns, runEffect, type EventHandlers, type Transaction } from '@pms/platform';
import { notifyingEventTypes } from '../domain/messages.js';
import { recordEventNotifications } from '../domain/notifications.js';
import { forgetContact, recordContacts, reminderSchedule } from '../domain/reminders.js';

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
 * batch logs them first; then each run of bookings schedules its reminders, and each run of
 * patient events records its contacts, in one statement.
 */
export function notificationConsumer(reminderOffsetsSeconds: number[]): NotificationConsumer {
  const schedule = reminderSchedule(reminderOffsetsSeconds);
  const effects: EventHandlers = {
    AppointmentRescheduled: (event, tx) => schedule.rescheduled(tx, event.data, new Date(event.occurredAt)),
    AppointmentCancelled: (event, tx) => schedule.ended(tx, event.data),
    AppointmentCompleted: (event, tx) => schedule.ended(tx, event.data),
    AppointmentNoShow: (event, tx) => schedule.ended(tx, event.data),
    PatientDeleted: (event, tx) => forgetContact(tx, event),
  };
  const applyEffects = applyInRuns(effects, [
    runEffect({ types: ['AppointmentBooked'], apply: (run, tx) => schedule.booked(tx, run) }),
    runEffect({ types: ['PatientCreated', 'PatientUpdated'], apply: (run, tx) => recordContacts(tx, run) }),
  ]);

  const handleBatch = async (events: TypedEvent[], tx: Transaction) => {
    await recordEventNotifications(tx, events);
    await applyEffects(events, tx);
  };
  const handledTypes = new Set<EventType>([
    ...notifyingEventTypes,
    ...(Object.keys(effects) as EventType[]),
    'AppointmentBooked',
    'PatientCreated',
    'PatientUpdated',
  ]);
  return {
    handlers: Object.fromEntries([...handledTypes].map((type) => [type, (event: TypedEvent, tx: Transaction) => handleBatch([event], tx)])),
    handleBatch,
  };
}
