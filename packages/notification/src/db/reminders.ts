import type { EventData } from '@pms/contracts';
import type { Executor } from '@pms/platform';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { patientContacts, reminders, type PatientContactRow, type ReminderRow } from './schema.js';

type Appointment = EventData<'AppointmentBooked'>;

/** A booking (or its new time) to remind of, and when that was decided. */
export interface ReminderRequest {
  appointment: Appointment;
  since: Date;
  /** The booking event's trace: the reminder's span joins it when it comes due. */
  traceparent: string | null;
}

/**
 * One row per offset whose moment is after `since` (an offset already past then is skipped), for
 * every request in one statement. A redelivered event finds its rows there and adds nothing.
 */
export async function scheduleReminders(db: Executor, requests: ReminderRequest[], offsetsSeconds: number[]): Promise<void> {
  const rows = requests.flatMap(({ appointment, since, traceparent }) => {
    const startsAt = new Date(appointment.startsAt);
    return offsetsSeconds
      .map((offsetSeconds) => ({ offsetSeconds, dueAt: new Date(startsAt.getTime() - offsetSeconds * 1000) }))
      .filter((row) => row.dueAt > since)
      .map((row) => ({ ...row, appointmentId: appointment.appointmentId, patientId: appointment.patientId, startsAt, appointment, traceparent }));
  });
  if (rows.length > 0) await db.insert(reminders).values(rows).onConflictDoNothing();
}

/** Reminders not yet queued are dropped (cancel, complete, no-show, or before a reschedule). */
export async function dropReminders(db: Executor, appointmentIds: string[]): Promise<void> {
  if (appointmentIds.length === 0) return;
  await db.delete(reminders).where(and(inArray(reminders.appointmentId, appointmentIds), eq(reminders.status, 'SCHEDULED')));
}

/**
 * Claims due reminders for this transaction: SKIP LOCKED lets replicas take different rows, and
 * the status change commits with the queued messages, so no row is ever queued twice.
 */
export async function claimDueReminders(db: Executor, limit: number): Promise<ReminderRow[]> {
  const due = db
    .select({ id: reminders.id })
    .from(reminders)
    .where(and(eq(reminders.status, 'SCHEDULED'), lte(reminders.dueAt, sql`now()`)))
    .orderBy(asc(reminders.dueAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  // Due long ago and the appointment already begun (the service was down): too late to remind.
  return db
    .update(reminders)
    .set({ status: sql`case when ${reminders.startsAt} > now() then 'QUEUED' else 'SKIPPED' end::reminder_status`, queuedAt: sql`now()` })
    .where(inArray(reminders.id, due))
    .returning();
}

/** The patients' contact copies, in one statement; of two for the same patient the later wins. */
export async function upsertContacts(db: Executor, contacts: Omit<PatientContactRow, 'updatedAt'>[]): Promise<void> {
  // One statement may not change a row twice: keep each patient's last.
  const latest = [...new Map(contacts.map((contact) => [contact.patientId, contact])).values()];
  if (latest.length === 0) return;
  await db
    .insert(patientContacts)
    .values(latest)
    .onConflictDoUpdate({
      target: patientContacts.patientId,
      set: {
        email: sql`excluded.email`,
        phone: sql`excluded.phone`,
        emailAllowed: sql`excluded.email_allowed`,
        smsAllowed: sql`excluded.sms_allowed`,
        ownerUserId: sql`excluded.owner_user_id`,
        updatedAt: sql`now()`,
      },
    });
}

export async function findContacts(db: Executor, patientIds: string[]): Promise<Map<string, PatientContactRow>> {
  if (patientIds.length === 0) return new Map();
  const rows = await db.select().from(patientContacts).where(inArray(patientContacts.patientId, patientIds));
  return new Map(rows.map((row) => [row.patientId, row]));
}
