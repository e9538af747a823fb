import { topics, type EventData, type NotificationPage } from '@pms/contracts';
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createWebhookSmsSender } from '../src/transports/sms.js';
import { bearer, booking, connectProducer, envelope, mailbox, publish, startSmsGateway, startTestApp, uniqueEmail, type TestApp } from './support.js';

// Two replicas of notification on one database and one consumer group, as in production.
const smtp = { host: inject('smtpHost'), port: inject('smtpPort') };
const env = { REMINDER_OFFSETS: '2h,1h' };
const sink = mailbox(inject('smtpApiUrl'));
let first: TestApp;
let second: TestApp;
let producer: Producer;
let smsGateway: Awaited<ReturnType<typeof startSmsGateway>>;

beforeAll(async () => {
  smsGateway = await startSmsGateway();
  const sms = createWebhookSmsSender(smsGateway.url);
  first = await startTestApp({ smtp, env, sms });
  second = await startTestApp({ smtp, env, sms, shareWith: { databaseUrl: first.databaseUrl, groupId: first.groupId } });
  producer = await connectProducer(first.kafka);
});
afterAll(async () => {
  await producer?.disconnect();
  await Promise.all([first?.close(), second?.close()]);
  await smsGateway?.close();
});

const hourMs = 3_600_000;
/** An appointment whose 1-hour reminder comes due `seconds` from now (its 2-hour one is already past). */
const dueIn = (seconds: number, overrides: Partial<EventData<'AppointmentBooked'>> = {}) => {
  const startsAt = new Date(Date.now() + hourMs + seconds * 1000);
  return booking({ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString(), ...overrides });
};
const send = <T extends 'AppointmentBooked' | 'AppointmentRescheduled' | 'AppointmentCancelled'>(type: T, data: EventData<T>) =>
  publish(producer, topics.appointment, data.appointmentId, envelope(type, data.appointmentId, data));

async function remindersTo(recipient: string) {
  const response = await first.app.inject({ url: '/api/notifications', query: { type: 'AppointmentReminder', recipient }, headers: bearer('staff') });
  return response.json<NotificationPage>().items;
}
const sentReminder = (recipient: string) =>
  vi.waitFor(
    async () => {
      const items = await remindersTo(recipient);
      expect(items.length, `reminders to ${recipient}`).toBeGreaterThan(0);
      expect(items.every((item) => item.status === 'SENT'), `reminders to ${recipient} all SENT`).toBe(true);
      return items;
    },
    { timeout: 60_000 },
  );
const scheduledFor = async (appointmentId: string) =>
  first.database.sql<{ status: string; starts_at: Date; offset_seconds: number }[]>`
    select status, starts_at, offset_seconds from reminders where appointment_id = ${appointmentId} order by starts_at, offset_seconds`;

// Reminders come due seconds after booking, and twelve of them go through two replicas: more
// than the default 30 s on a loaded machine.
describe('appointment reminders', { timeout: 90_000 }, () => {
  it('sends each reminder exactly once with two replicas sharing the work, skipping offsets already past', async () => {
    const appointments = Array.from({ length: 12 }, () => dueIn(4));
    await Promise.all(appointments.map((data) => send('AppointmentBooked', data)));

    for (const data of appointments) {
      const [reminder, ...more] = await sentReminder(data.patient.email);
      expect(more).toEqual([]);
      expect(reminder).toMatchObject({ channel: 'EMAIL', type: 'AppointmentReminder', status: 'SENT', attempts: 1 });
    }
    for (const data of appointments) {
      const mails = await sink.to(data.patient.email);
      const reminders = mails.filter((mail) => mail.Subject.startsWith('Reminder:'));
      expect(reminders).toHaveLength(1);
      // Only the 1-hour offset: the 2-hour one was past when the booking arrived.
      expect((await scheduledFor(data.appointmentId)).map((row) => [row.offset_seconds, row.status])).toEqual([[3_600, 'QUEUED']]);
    }
    const [mail] = (await sink.to(appointments[0]!.patient.email)).filter((m) => m.Subject.startsWith('Reminder:'));
    expect((await sink.full(mail!.ID)).Text).toContain('in 1 hour');
  });

  it('moves the reminders with a reschedule and drops them on cancel', async () => {
    const moved = dueIn(2 * 3_600);
    const cancelled = dueIn(4);
    const marker = dueIn(4);
    await send('AppointmentBooked', moved);
    await send('AppointmentBooked', cancelled);
    await send('AppointmentBooked', marker);
    const later = dueIn(4, { appointmentId: moved.appointmentId, patient: moved.patient });
    await send('AppointmentRescheduled', { ...later, previousStartsAt: moved.startsAt, previousEndsAt: moved.endsAt });
    await send('AppointmentCancelled', { ...cancelled, cancellationReason: null, cancelledBy: randomUUID() });

    await sentReminder(marker.patient.email);
    const [reminder] = await sentReminder(moved.patient.email);
    expect(reminder?.subject).toContain('Reminder:');
    expect((await scheduledFor(moved.appointmentId)).map((row) => [new Date(row.starts_at).toISOString(), row.offset_seconds, row.status])).toEqual([
      [new Date(later.startsAt).toISOString(), 3_600, 'QUEUED'],
    ]);
    expect(await remindersTo(cancelled.patient.email)).toEqual([]);
    expect(await scheduledFor(cancelled.appointmentId)).toEqual([]);
  });

  it('goes out on the channels the patient allows, as patient-events last said', async () => {
    const email = uniqueEmail('sms-only');
    const phone = `+49 30 ${Math.floor(Math.random() * 9_000_000 + 1_000_000)}`;
    const patientId = randomUUID();
    const patient = {
      patientId,
      name: 'Sam Text',
      email,
      phone,
      address: null,
      dateOfBirth: '1980-01-01',
      ownerUserId: null,
      registeredAt: new Date().toISOString(),
      contactPreferences: { email: false, sms: true },
    };
    await publish(producer, topics.patient, patientId, envelope('PatientUpdated', patientId, patient));
    await expect.poll(async () => (await first.database.sql`select 1 from patient_contacts where patient_id = ${patientId}`).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const data = dueIn(4, { patientId, patient: { name: 'Sam Text', email } });
    await send('AppointmentBooked', data);

    await vi.waitFor(() => expect(smsGateway.received).toContainEqual(expect.objectContaining({ to: phone, text: expect.stringMatching(/^Reminder:/) })), {
      timeout: 20_000,
    });
    expect(await sentReminder(phone)).toMatchObject([{ channel: 'SMS', status: 'SENT' }]);
    expect(await remindersTo(email)).toEqual([]);
  });

  it('survives a restart: a replica that stops and a new one send nothing twice', async () => {
    const data = dueIn(6);
    await send('AppointmentBooked', data);
    await expect.poll(async () => (await scheduledFor(data.appointmentId)).length, { timeout: 20_000 }).toBe(1);
    await second.close();
    second = await startTestApp({ smtp, env, shareWith: { databaseUrl: first.databaseUrl, groupId: first.groupId } });

    await sentReminder(data.patient.email);
    // Both replicas keep polling; another due reminder proves they are still at work.
    const marker = dueIn(3);
    await send('AppointmentBooked', marker);
    await sentReminder(marker.patient.email);
    expect(await remindersTo(data.patient.email)).toHaveLength(1);
    expect((await sink.to(data.patient.email)).filter((mail) => mail.Subject.startsWith('Reminder:'))).toHaveLength(1);
  });
});
