import { randomUUID } from 'node:crypto';
import { demoDefaults } from '@pms/devstack';
import type {} from '../../devstack/src/vitest-provided.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, type GatewayClient } from '../src/client.js';
import { eventually } from '../src/eventually.js';
import { startTestSystem, type TestSystem } from '../src/system.js';

// The scheduling path through the gateway: an appointment type, the booking policy, a recurring
// series, a reminder and the waitlist, on the whole system as `npm start` runs it.
let running: TestSystem;
let api: GatewayClient;
const smtpApiUrl = inject('smtpApiUrl');
/** Reminders 100 s ahead: an appointment two minutes out gets one while the test waits. */
const reminderSeconds = 100;

beforeAll(async () => {
  running = await startTestSystem('e2es', {
    REMINDER_OFFSETS: `24h,${reminderSeconds}s`,
    WAITLIST_OFFER_MINUTES: '30',
    // Every helper's tests share two cores: give a slow upstream time rather than a 503.
    UPSTREAM_TIMEOUT_MS: '20000',
  });
  api = gatewayClient(running.system.gatewayUrl);
});

afterAll(() => running?.stop());

const mailWith = (address: string, subject: RegExp) =>
  eventually(`mail "${subject}" to ${address}`, async () => {
    const response = await fetch(`${smtpApiUrl}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}`);
    const { messages } = (await response.json()) as { messages: { Subject: string }[] };
    return messages.find((m) => subject.test(m.Subject));
  }, 60_000);

const minuteMs = 60_000;
/** The next whole minute at least `ms` ahead. */
const minuteAfter = (ms: number) => new Date(Math.ceil((Date.now() + ms) / minuteMs) * minuteMs);
/** The doctor's 5-minute slot grid: a booking off the grid is refused (409 OUTSIDE_SCHEDULE). */
const slotAfter = (ms: number) => new Date(Math.ceil((Date.now() + ms) / (5 * minuteMs)) * 5 * minuteMs);

describe('scheduling through the gateway', () => {
  let admin: string;
  let doctorId: string;
  let typeId: string;
  const patients: { id: string; email: string }[] = [];
  let seriesId: string;
  let series: { id: string; startsAt: string }[];

  async function createPatient(name: string) {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@e2e.example`;
    const created = await api.post('/api/patients', { name, email, dateOfBirth: '1979-05-06' }, admin);
    expect(created.status).toBe(201);
    expect(created.body.contactPreferences).toEqual({ email: true, sms: false });
    return { id: created.body.id as string, email };
  }

  it('the admin defines an appointment type; availability offers only where it fits', async () => {
    admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
    const doctor = await api.post(
      '/api/doctors',
      { name: 'Dr. E2E Schedule', email: `sched-${randomUUID().slice(0, 8)}@e2e.example`, specialty: 'DERMATOLOGY' },
      admin,
    );
    doctorId = doctor.body.id;
    // Open all day, on a 5-minute grid that starts on whole minutes of the clock.
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:55' }));
    expect((await api.put(`/api/doctors/${doctorId}/schedule`, { timeZone: 'UTC', slotMinutes: 5, hours }, admin)).status).toBe(200);

    const type = await api.post('/api/appointment-types', { name: 'Skin check', durationMinutes: 20, bufferAfterMinutes: 10, priceCents: 4_200, specialty: 'DERMATOLOGY' }, admin);
    expect(type.status).toBe(201);
    typeId = type.body.id;
    expect((await api.get('/api/appointment-types', admin)).body.items.map((t: { id: string }) => t.id)).toContain(typeId);

    const from = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const slots = await eventually('availability by type', async () => {
      const { status, body } = await api.get(`/api/doctors/${doctorId}/availability?from=${from}T09:00:00Z&to=${from}T10:00:00Z&appointmentTypeId=${typeId}`, admin);
      return status === 200 ? body.slots : undefined;
    });
    // 20-minute visits on the 5-minute grid that end by 10:00.
    expect(slots[0]).toEqual({ startsAt: `${from}T09:00:00.000Z`, endsAt: `${from}T09:20:00.000Z` });
    expect(slots.at(-1).startsAt).toBe(`${from}T09:40:00.000Z`);
  });

  it('the booking policy binds patients, in booking and in the availability they see', async () => {
    const policy = { minimumNoticeMinutes: 60, maxAdvanceDays: 60, patientCancelCutoffHours: 24, patientRescheduleCutoffHours: 24 };
    expect((await api.put('/api/scheduling/policy', policy, admin)).body).toEqual(policy);
    const password = `pw-${randomUUID()}`;
    const email = `pat-${randomUUID().slice(0, 8)}@e2e.example`;
    expect((await api.post('/auth/register', { email, password, name: 'Pat Policy' })).status).toBe(201);
    const token = await api.login(email, password);
    // The policy is checked before anything else about the booking.
    const soon = await api.post('/api/appointments', { patientId: randomUUID(), doctorId, startsAt: minuteAfter(10 * minuteMs).toISOString() }, token);
    expect([soon.status, soon.body.code]).toEqual([422, 'TOO_SHORT_NOTICE']);

    const from = new Date().toISOString();
    const to = new Date(Date.now() + 3 * 3_600_000).toISOString();
    await eventually('patient availability within the policy', async () => {
      const { body } = await api.get(`/api/doctors/${doctorId}/availability?from=${from}&to=${to}`, token);
      const earliest = Math.min(...body.slots.map((slot: { startsAt: string }) => Date.parse(slot.startsAt)));
      return earliest >= Date.now() + 55 * minuteMs ? true : undefined;
    });
    const asAdmin = await api.get(`/api/doctors/${doctorId}/availability?from=${from}&to=${to}`, admin);
    expect(Date.parse(asAdmin.body.slots[0].startsAt)).toBeLessThan(Date.now() + 10 * minuteMs);
  });

  it('staff book a weekly series with the type; billing charges the type’s price', async () => {
    patients.push(await createPatient('Sofia'), await createPatient('Wanda'));
    const startsAt = new Date(Date.parse(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) + 'T10:00:00Z')).toISOString();
    const response = await api.post(
      '/api/appointments/series',
      { patientId: patients[0]!.id, doctorId, startsAt, appointmentTypeId: typeId, recurrence: { frequency: 'WEEKLY', count: 3 } },
      admin,
    );
    expect(response.status).toBe(201);
    ({ seriesId } = response.body);
    series = response.body.appointments;
    expect(series.map((a) => Date.parse(a.startsAt) - Date.parse(startsAt))).toEqual([0, 7, 14].map((days) => days * 86_400_000));

    const clash = await api.post(
      '/api/appointments/series',
      { patientId: patients[1]!.id, doctorId, startsAt: new Date(Date.parse(startsAt) + 25 * minuteMs).toISOString(), durationMinutes: 30, recurrence: { frequency: 'WEEKLY', count: 2 } },
      admin,
    );
    // 10:25 falls in the first visit's buffer (10:20-10:30): every occurrence is refused, and said why.
    expect(clash.status).toBe(409);
    expect(clash.body.details.map((d: { field: string }) => d.field)).toEqual(['occurrences[0]', 'occurrences[1]']);

    const invoice = await eventually('the invoice of the first occurrence', async () => {
      const { body } = await api.get(`/api/billing/invoices?patientId=${patients[0]!.id}`, admin);
      return body.items?.find((item: { appointmentId: string }) => item.appointmentId === series[0]!.id);
    });
    expect(invoice.amountCents).toBe(4_200);
  });

  it('a reminder goes out before the appointment and shows in the notification log', async () => {
    const startsAt = slotAfter((reminderSeconds + 20) * 1000);
    const booked = await api.post('/api/appointments', { patientId: patients[1]!.id, doctorId, startsAt: startsAt.toISOString(), appointmentTypeId: typeId }, admin);
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const reminder = await eventually(
      'the reminder in the log',
      async () => {
        const { body } = await api.get(`/api/notifications?type=AppointmentReminder&recipient=${encodeURIComponent(patients[1]!.email)}`, admin);
        return body.items.find((item: { status: string }) => item.status === 'SENT');
      },
      // Due `reminderSeconds` before the start, which the 5-minute grid may put minutes away.
      startsAt.getTime() - reminderSeconds * 1000 - Date.now() + 60_000,
    );
    expect(reminder).toMatchObject({ channel: 'EMAIL', type: 'AppointmentReminder' });
    await mailWith(patients[1]!.email, /^Reminder:/);
  }, 480_000);

  it('a cancelled occurrence is offered to the waitlist, and booking it fulfils the entry', async () => {
    const waiting = await createPatient('Wally');
    const from = new Date(Date.parse(series[0]!.startsAt) - 3_600_000).toISOString();
    const to = new Date(Date.parse(series[0]!.startsAt) + 3_600_000).toISOString();
    const entry = await api.post('/api/waitlist', { patientId: waiting.id, doctorId, from, to, appointmentTypeId: typeId }, admin);
    expect(entry.status).toBe(201);

    const cancelled = await api.post(`/api/appointments/series/${seriesId}/cancel`, { from: series[0]!.startsAt }, admin);
    expect(cancelled.body.appointments).toHaveLength(3);
    const offered = await eventually('the offer', async () => {
      const { body } = await api.get(`/api/waitlist?doctorId=${doctorId}&status=OFFERED`, admin);
      return body.items.find((item: { id: string }) => item.id === entry.body.id);
    });
    expect(offered.offeredStartsAt).toBe(series[0]!.startsAt);
    await mailWith(waiting.email, /a slot is available/i);

    const booked = await api.post('/api/appointments', { patientId: waiting.id, doctorId, startsAt: offered.offeredStartsAt, appointmentTypeId: typeId }, admin);
    expect(booked.status).toBe(201);
    await eventually('the entry booked', async () => {
      const { body } = await api.get(`/api/waitlist?patientId=${waiting.id}`, admin);
      return body.items[0]?.status === 'BOOKED' ? true : undefined;
    });
  });
});
