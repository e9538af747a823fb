import { randomUUID } from 'node:crypto';
import type { EventData, TypedEvent } from '@pms/contracts';
import type { DatabaseHandle } from '@pms/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationConsumer } from '../src/events/handlers.js';
import { booking, envelope, testDatabase, uniqueEmail } from './support.js';

const patient = (patientId: string, email: string, sms: boolean): EventData<'PatientUpdated'> => ({
  patientId,
  name: 'Ines Duarte',
  email,
  phone: '+351 21 000 0000',
  address: null,
  dateOfBirth: '1985-06-07',
  ownerUserId: null,
  registeredAt: new Date().toISOString(),
  contactPreferences: { email: true, sms },
});

describe('a batch of events at once', () => {
  let database: DatabaseHandle;
  const consumer = notificationConsumer([86_400, 3_600]);
  const apply = (events: unknown[]) => database.db.transaction((tx) => consumer.handleBatch(events as TypedEvent[], tx));

  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database?.close());

  it('keeps the last of several changes to one patient, and schedules every booking of a run', async () => {
    const patientId = randomUUID();
    const [first, last] = [uniqueEmail('first'), uniqueEmail('last')];
    const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const bookings = [booking({ patientId, startsAt: future(3), endsAt: future(3.01) }), booking({ startsAt: future(4), endsAt: future(4.01) })];
    await apply([
      envelope('PatientCreated', patientId, patient(patientId, first, true)),
      envelope('PatientUpdated', patientId, patient(patientId, last, false)),
      ...bookings.map((data) => envelope('AppointmentBooked', data.appointmentId, data)),
    ]);

    const [contact] = await database.sql<{ email: string; sms_allowed: boolean }[]>`
      select email, sms_allowed from patient_contacts where patient_id = ${patientId}`;
    expect(contact).toEqual({ email: last, sms_allowed: false });
    const reminders = await database.sql<{ appointment_id: string; offset_seconds: number }[]>`
      select appointment_id, offset_seconds from reminders
      where appointment_id = any(${bookings.map((data) => data.appointmentId)}::uuid[]) order by starts_at, offset_seconds`;
    expect(reminders).toEqual(
      bookings.flatMap((data) => [
        { appointment_id: data.appointmentId, offset_seconds: 3_600 },
        { appointment_id: data.appointmentId, offset_seconds: 86_400 },
      ]),
    );
  });

  it('moves the reminders of a run of reschedules to each appointment\'s latest time, and drops a run of endings', async () => {
    const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const [moved, cancelled] = [booking({ startsAt: future(3), endsAt: future(3.01) }), booking({ startsAt: future(3), endsAt: future(3.01) })];
    await apply([moved, cancelled].map((data) => envelope('AppointmentBooked', data.appointmentId, data)));
    const to = (days: number) => ({ ...moved, startsAt: future(days), endsAt: future(days + 0.01), previousStartsAt: moved.startsAt, previousEndsAt: moved.endsAt });
    const latest = to(6);
    await apply([
      envelope('AppointmentRescheduled', moved.appointmentId, to(5)),
      envelope('AppointmentRescheduled', moved.appointmentId, latest),
      envelope('AppointmentCancelled', cancelled.appointmentId, { ...cancelled, cancellationReason: null, cancelledBy: randomUUID() }),
    ]);

    const reminders = await database.sql<{ appointment_id: string; starts_at: string }[]>`
      select appointment_id, starts_at::text as starts_at from reminders where appointment_id = any(${[moved.appointmentId, cancelled.appointmentId]}::uuid[])`;
    expect(reminders).toHaveLength(2);
    expect(reminders.every((row) => row.appointment_id === moved.appointmentId)).toBe(true);
    expect(reminders.map((row) => Date.parse(row.starts_at))).toEqual([latest.startsAt, latest.startsAt].map((at) => Date.parse(at)));
  });
});
