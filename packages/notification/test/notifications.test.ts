import { randomUUID } from 'node:crypto';
import { authTopics, deadLetterTopic, topics, type EventData, type Notification, type NotificationPage } from '@pms/contracts';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createWebhookSmsSender } from '../src/transports/sms.js';
import {
  bearer,
  booking,
  connectProducer,
  envelope,
  findOnTopic,
  header,
  mailbox,
  publish,
  startSmsGateway,
  startTestApp,
  uniqueEmail,
  type TestApp,
} from './support.js';

let service: TestApp;
let producer: Producer;
let smsGateway: Awaited<ReturnType<typeof startSmsGateway>>;
const sink = mailbox(inject('smtpApiUrl'));

beforeAll(async () => {
  smsGateway = await startSmsGateway();
  service = await startTestApp({
    smtp: { host: inject('smtpHost'), port: inject('smtpPort') },
    sms: createWebhookSmsSender(smsGateway.url),
  });
  producer = await connectProducer(service.kafka);
});

afterAll(async () => {
  await producer?.disconnect();
  await service?.close();
  await smsGateway?.close();
});

async function log(query: Record<string, string | number>, role: 'staff' | 'admin' = 'staff'): Promise<NotificationPage> {
  const response = await service.app.inject({ url: '/api/notifications', query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])), headers: bearer(role) });
  expect(response.statusCode).toBe(200);
  return response.json<NotificationPage>();
}

const channelsOf = async (eventId: string) =>
  (await service.database.sql<{ channel: string }[]>`select channel from notifications where event_id = ${eventId} order by channel`).map((row) => row.channel);

/** The log rows of a recipient once they are all SENT. */
const sentTo = (recipient: string, count: number) =>
  vi.waitFor(
    async () => {
      const { items } = await log({ recipient });
      expect(items.map((item) => item.status), `notifications to ${recipient}`).toEqual(Array(count).fill('SENT'));
      return items;
    },
    { timeout: 20_000 },
  );

describe('event notifications', () => {
  it('emails the patient a booking with the time in the doctor’s time zone and logs it SENT', async () => {
    const data = booking();
    const event = envelope('AppointmentBooked', data.appointmentId, data);
    const publishedAt = performance.now();
    await publish(producer, topics.appointment, data.appointmentId, event);

    const [row] = await sentTo(data.patient.email, 1);
    console.log(`AppointmentBooked → email SENT in ${Math.round(performance.now() - publishedAt)} ms`);
    expect(row).toMatchObject({
      recipient: data.patient.email,
      channel: 'EMAIL',
      type: 'AppointmentBooked',
      eventId: event.id,
      status: 'SENT',
      attempts: 1,
      error: null,
      nextAttemptAt: null,
      sentAt: expect.stringMatching(/Z$/),
    });

    const [mail] = await vi.waitFor(
      async () => {
        const mails = await sink.to(data.patient.email);
        expect(mails).toHaveLength(1);
        return mails;
      },
      { timeout: 20_000 },
    );
    const full = await sink.full(mail!.ID);
    // 08:30 UTC on 24 November is 09:30 in Berlin (UTC+1 in winter).
    const when = 'Tuesday, 24 November 2026, 09:30 (Europe/Berlin)';
    expect(full.Subject).toBe(`Appointment confirmed: ${when}`);
    expect(full.From.Address).toBe('clinic@pms.test');
    expect(full.Text).toContain('Dear Ann Smith,');
    expect(full.Text).toContain(`When: ${when}`);
    expect(full.Text).toContain('Doctor: Dr. Lena Weber (Cardiology)');
    expect(full.HTML).toContain(when);
    expect(full.MessageID).toContain(row!.id);
  });

  it('shows each doctor’s own time zone and escapes user text in the HTML part', async () => {
    const data = booking({
      startsAt: '2026-07-01T13:00:00.000Z',
      endsAt: '2026-07-01T13:20:00.000Z',
      durationMinutes: 20,
      reason: '<script>alert(1)</script> & pain',
      doctor: { name: 'Dr. Sam Lee', specialty: 'GENERAL_PRACTICE', timeZone: 'America/New_York' },
    });
    await publish(producer, topics.appointment, data.appointmentId, envelope('AppointmentBooked', data.appointmentId, data));
    await sentTo(data.patient.email, 1);
    const [mail] = await sink.to(data.patient.email);
    const full = await sink.full(mail!.ID);
    expect(full.Subject).toBe('Appointment confirmed: Wednesday, 1 July 2026, 09:00 (America/New_York)');
    expect(full.Text).toContain('Reason: <script>alert(1)</script> & pain');
    expect(full.HTML).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; pain');
    expect(full.HTML).not.toContain('<script>');
  });

  it('sends one email for an event delivered twice', async () => {
    const data = booking();
    const booked = envelope('AppointmentBooked', data.appointmentId, data);
    const cancelled = envelope('AppointmentCancelled', data.appointmentId, { ...data, cancellationReason: 'Doctor ill', cancelledBy: 'staff' });
    // One key, one partition: the cancellation is consumed after both copies of the booking.
    await publish(producer, topics.appointment, data.appointmentId, booked, booked, cancelled);

    const rows = await sentTo(data.patient.email, 2);
    expect(rows.map((row) => row.type).sort()).toEqual(['AppointmentBooked', 'AppointmentCancelled']);
    const mails = await vi.waitFor(
      async () => {
        const found = await sink.to(data.patient.email);
        expect(found.length).toBeGreaterThanOrEqual(2);
        return found;
      },
      { timeout: 20_000 },
    );
    expect(mails.map((mail) => mail.Subject).sort()).toEqual([
      'Appointment cancelled: Tuesday, 24 November 2026, 09:30 (Europe/Berlin)',
      'Appointment confirmed: Tuesday, 24 November 2026, 09:30 (Europe/Berlin)',
    ]);
    const cancellation = await sink.full(mails.find((mail) => mail.Subject.startsWith('Appointment cancelled'))!.ID);
    expect(cancellation.Text).toContain('Cancellation reason: Doctor ill');
  });

  it('tells the patient about a new time and an invoice', async () => {
    const data = booking();
    const moved = envelope('AppointmentRescheduled', data.appointmentId, {
      ...data,
      startsAt: '2026-11-25T13:00:00.000Z',
      endsAt: '2026-11-25T13:30:00.000Z',
      previousStartsAt: data.startsAt,
      previousEndsAt: data.endsAt,
    });
    const invoice: EventData<'InvoiceGenerated'> = {
      invoiceId: randomUUID(),
      appointmentId: data.appointmentId,
      patientId: data.patientId,
      doctorId: data.doctorId,
      specialty: 'CARDIOLOGY',
      amountCents: 12_345,
      currency: 'EUR',
      dueDate: '2026-12-08',
      patient: data.patient,
    };
    await publish(producer, topics.appointment, data.appointmentId, moved);
    await publish(producer, topics.billing, invoice.invoiceId, envelope('InvoiceGenerated', invoice.invoiceId, invoice));

    await sentTo(data.patient.email, 2);
    const subjects = (await sink.to(data.patient.email)).map((mail) => mail.Subject).sort();
    expect(subjects).toEqual([
      'Appointment moved to Wednesday, 25 November 2026, 14:00 (Europe/Berlin)',
      'Your invoice of €123.45, due 8 December 2026',
    ]);
  });

  it('welcomes a new patient by email, and by SMS when a phone is known', async () => {
    const patient = (phone: string | null): EventData<'PatientCreated'> => ({
      patientId: randomUUID(),
      name: 'Noor Haddad',
      email: uniqueEmail('noor'),
      phone,
      address: null,
      dateOfBirth: '1990-02-03',
      ownerUserId: null,
      registeredAt: new Date().toISOString(),
    });
    const phone = `+49 30 ${Math.floor(Math.random() * 1e7)}`;
    const withPhone = patient(phone);
    const withoutPhone = patient(null);
    const events = [withPhone, withoutPhone].map((data) => envelope('PatientCreated', data.patientId, data));
    for (const event of events) await publish(producer, topics.patient, event.subject, event);

    await sentTo(withPhone.email, 1);
    const [sms] = await sentTo(phone, 1);
    expect(sms).toMatchObject({ channel: 'SMS', type: 'PatientCreated', subject: null });
    expect(smsGateway.received).toContainEqual(expect.objectContaining({ to: phone, text: expect.stringContaining('Noor Haddad') }));
    await sentTo(withoutPhone.email, 1);
    expect(await channelsOf(events[0]!.id)).toEqual(['EMAIL', 'SMS']);
    expect(await channelsOf(events[1]!.id)).toEqual(['EMAIL']);
    expect((await sink.to(withPhone.email))[0]?.Subject).toBe('Welcome to our clinic');
  });

  it('mails the verification link auth asked for (auth-events)', async () => {
    const userId = randomUUID();
    const token = `tok_${randomUUID().replaceAll('-', '')}`;
    const data: EventData<'EmailVerificationRequested'> = {
      userId,
      email: uniqueEmail('verify'),
      name: 'Vera <Verify>',
      token,
      link: `https://clinic.example/verify-email?token=${token}`,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    };
    await publish(producer, authTopics.events, userId, envelope('EmailVerificationRequested', userId, data));
    const [logged] = await sentTo(data.email, 1);
    expect(logged).toMatchObject({ channel: 'EMAIL', type: 'EmailVerificationRequested', subject: 'Verify your email' });
    const [mail] = await sink.to(data.email);
    const full = await sink.full(mail!.ID);
    expect(full.Text).toContain(data.link);
    expect(full.HTML).toContain('Vera &lt;Verify&gt;');
  });

  it('dead-letters a malformed event with the reason and notifies nobody', async () => {
    const data = booking();
    const broken = envelope('AppointmentBooked', data.appointmentId, { ...data, patient: { name: 'X', email: 'not-an-email' } });
    await publish(producer, topics.appointment, data.appointmentId, broken);

    const dead = await findOnTopic(
      service.kafka,
      deadLetterTopic(topics.appointment),
      (message) => message.key?.toString() === data.appointmentId && header(message, 'x-consumer-group') === service.groupId,
    );
    expect(header(dead, 'x-dlq-reason')).toMatch(/^invalid AppointmentBooked payload/);
    expect(header(dead, 'x-dlq-reason')).toContain('patient.email');
    expect(JSON.parse(dead.value!.toString())).toMatchObject({ id: broken.id });
    expect(await channelsOf(broken.id)).toEqual([]);
  });
});

describe('POST /api/notifications/email and the log', () => {
  it('queues a hand-written email (202), sends it, and lists it by recipient and type', async () => {
    const to = uniqueEmail('manual');
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/notifications/email',
      headers: bearer('staff'),
      payload: { to, subject: 'Your lab results', text: 'Please call us about your results.' },
    });
    expect(response.statusCode).toBe(202);
    const queued = response.json<Notification>();
    expect(queued).toMatchObject({ recipient: to, channel: 'EMAIL', type: 'ManualEmail', eventId: null, status: 'PENDING', attempts: 0 });

    const [sent] = await sentTo(to, 1);
    expect(sent).toMatchObject({ id: queued.id, attempts: 1 });
    const [mail] = await sink.to(to);
    expect(mail?.Subject).toBe('Your lab results');
    expect((await sink.full(mail!.ID)).Text).toContain('Please call us about your results.');

    // A second one, so the filters and paging have something to tell apart.
    const second = await service.app.inject({ method: 'POST', url: '/api/notifications/email', headers: bearer('admin'), payload: { to: to.toUpperCase(), subject: 'Reminder', text: 'Still waiting.' } });
    expect(second.statusCode).toBe(202);
    await expect.poll(async () => (await log({ recipient: to })).items.map((item) => item.status), { timeout: 20_000 }).toEqual(['SENT', 'SENT']);

    const firstPage = await log({ recipient: to, pageSize: 1 }, 'admin');
    expect(firstPage).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(firstPage.items.map((item) => item.subject)).toEqual(['Reminder']); // newest first
    const secondPage = await log({ recipient: to, pageSize: 1, page: 2 });
    expect(secondPage.items.map((item) => item.subject)).toEqual(['Your lab results']);
    expect((await log({ recipient: to, type: 'ManualEmail' })).total).toBe(2);
    expect((await log({ recipient: to, type: 'AppointmentBooked' })).total).toBe(0);
    expect((await log({ recipient: to, status: 'SENT' })).total).toBe(2);
    expect((await log({ recipient: to, status: 'PENDING' })).total).toBe(0);
    expect((await log({ recipient: uniqueEmail('nobody') })).total).toBe(0);
  });

  it('names the bad fields of a request', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/notifications/email',
      headers: bearer('staff'),
      payload: { to: 'not-an-email', subject: '  ', text: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details.map((detail: { field: string }) => detail.field).sort()).toEqual(['subject', 'to']);

    const query = await service.app.inject({ url: '/api/notifications?page=0&pageSize=500&status=LOST', headers: bearer('staff') });
    expect(query.statusCode).toBe(400);
    expect(query.json().details.map((detail: { field: string }) => detail.field).sort()).toEqual(['page', 'pageSize', 'status']);
  });

  it('lets only staff and admins read the log or send email', async () => {
    const payload = { to: uniqueEmail('x'), subject: 'Hi', text: 'Hello' };
    for (const role of ['doctor', 'patient'] as const) {
      expect((await service.app.inject({ url: '/api/notifications', headers: bearer(role) })).statusCode).toBe(403);
      expect((await service.app.inject({ method: 'POST', url: '/api/notifications/email', headers: bearer(role), payload })).statusCode).toBe(403);
    }
    expect((await service.app.inject({ url: '/api/notifications' })).statusCode).toBe(401);
    expect((await service.app.inject({ method: 'POST', url: '/api/notifications/email', payload })).statusCode).toBe(401);
    expect((await log({ recipient: payload.to })).total).toBe(0);
  });
});

describe('service', () => {
  it('reports readiness of its database, Kafka and consumer, and documents its routes', async () => {
    await expect
      .poll(async () => (await service.app.inject({ url: '/health/ready' })).json(), { timeout: 10_000 })
      .toEqual({ status: 'ok', checks: { revocations: 'ok', database: 'ok', kafka: 'ok', consumer: 'ok' } });
    const openapi = (await service.app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(openapi.paths['/api/notifications'] ?? {})).toEqual(['get']);
    expect(Object.keys((openapi.paths['/api/notifications']?.get as { responses: object }).responses)).toEqual(expect.arrayContaining(['4XX', '5XX']));
    expect(Object.keys(openapi.paths['/api/notifications/email'] ?? {})).toEqual(['post']);
  });
});
