import { topics } from '@pms/contracts';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, doctorBody, failingFields, startDoctor, type DoctorHarness } from './support.js';

let doctor: DoctorHarness;
beforeAll(async () => {
  doctor = await startDoctor();
});
afterAll(() => doctor?.close());

const admin = as('admin');

async function createDoctor(schedule?: object) {
  const created = await doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: doctorBody() });
  expect(created.statusCode).toBe(201);
  const { id } = created.json() as { id: string };
  if (schedule) {
    const response = await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${id}/schedule`, headers: admin, payload: schedule });
    expect(response.statusCode, response.body).toBe(200);
  }
  return id;
}

/** Midnight of a weekday in the zone at least a week ahead, so none of its slots is in the past. */
function upcoming(weekday: number, zone: string): DateTime {
  const start = DateTime.now().setZone(zone).plus({ weeks: 1 }).startOf('day');
  return start.plus({ days: (weekday - start.weekday + 7) % 7 });
}

/**
 * Free slots as staff see them by default: a patient's view also follows the booking policy,
 * which other suites change on the shared appointment-events topic while this one runs.
 */
async function availability(id: string, from: DateTime, to: DateTime, role: 'patient' | 'staff' = 'staff') {
  const query = new URLSearchParams({ from: from.toUTC().toISO()!, to: to.toUTC().toISO()! });
  const response = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/availability?${query}`, headers: as(role) });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { slots: { startsAt: string; endsAt: string }[] }).slots;
}

const utcNineToEleven = { timeZone: 'UTC', slotMinutes: 30, hours: [{ weekday: 1, start: '09:00', end: '11:00' }] };

describe('schedule', () => {
  it('is empty, in UTC with 30-minute slots, until an admin sets it', async () => {
    const id = await createDoctor();
    const response = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/schedule`, headers: as('patient') });
    expect(response.json()).toEqual({ doctorId: id, timeZone: 'UTC', slotMinutes: 30, hours: [] });
    const monday = upcoming(1, 'UTC');
    expect(await availability(id, monday, monday.plus({ days: 7 }))).toEqual([]);
  });

  it('is replaced by PUT (admin) and read back by any role; the time zone becomes the doctor’s', async () => {
    const id = await createDoctor();
    const schedule = {
      timeZone: 'europe/berlin',
      slotMinutes: 20,
      hours: [
        { weekday: 3, start: '14:00', end: '18:00' },
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 3, start: '08:00', end: '12:00' },
      ],
    };
    const put = await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${id}/schedule`, headers: admin, payload: schedule });
    expect(put.statusCode).toBe(200);
    const expected = {
      doctorId: id,
      timeZone: 'Europe/Berlin',
      slotMinutes: 20,
      hours: [
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 3, start: '08:00', end: '12:00' },
        { weekday: 3, start: '14:00', end: '18:00' },
      ],
    };
    expect(put.json()).toEqual(expected);
    const read = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/schedule`, headers: as('doctor') });
    expect(read.json()).toEqual(expected);
    const profile = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}`, headers: as('staff') });
    expect(profile.json().timeZone).toBe('Europe/Berlin');
  });

  it('answers 400 naming every bad field, overlapping blocks and blocks shorter than a slot', async () => {
    const id = await createDoctor();
    const put = (payload: object) => doctor.app.inject({ method: 'PUT', url: `/api/doctors/${id}/schedule`, headers: admin, payload });
    const malformed = await put({
      timeZone: 'Mars/Olympus_Mons',
      slotMinutes: 1,
      hours: [
        { weekday: 8, start: '09:0', end: '12:00' },
        { weekday: 2, start: '12:00', end: '11:00' },
      ],
    });
    expect(malformed.statusCode).toBe(400);
    expect(failingFields(malformed.json())).toEqual(['hours.0.start', 'hours.0.weekday', 'hours.1.end', 'slotMinutes', 'timeZone']);

    const clashing = await put({
      timeZone: 'UTC',
      slotMinutes: 60,
      hours: [
        { weekday: 2, start: '09:00', end: '12:00' },
        { weekday: 2, start: '11:00', end: '14:00' },
        { weekday: 3, start: '09:00', end: '09:30' },
      ],
    });
    expect(clashing.statusCode).toBe(400);
    expect(failingFields(clashing.json())).toEqual(['hours.0', 'hours.1', 'hours.2.end']);
    // Nothing was stored by the refused writes.
    const read = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/schedule`, headers: admin });
    expect(read.json().hours).toEqual([]);
  });

  it('answers 403 to non-admins, 404 for an unknown doctor and 400 for a malformed id', async () => {
    const id = await createDoctor();
    const put = (doctorId: string, headers = admin) =>
      doctor.app.inject({ method: 'PUT', url: `/api/doctors/${doctorId}/schedule`, headers, payload: utcNineToEleven });
    expect((await put(id, as('staff'))).statusCode).toBe(403);
    expect((await put(id, as('doctor'))).statusCode).toBe(403);
    expect((await put(randomUUID())).statusCode).toBe(404);
    expect(failingFields((await put('abc')).json())).toEqual(['id']);
    const get = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${randomUUID()}/schedule`, headers: admin });
    expect(get.statusCode).toBe(404);
  });
});

describe('availability', () => {
  it('keeps slots at 09:00 local on both sides of a daylight-saving change', async () => {
    const id = await createDoctor({
      timeZone: 'Europe/Berlin',
      slotMinutes: 60,
      hours: [6, 7].map((weekday) => ({ weekday, start: '09:00', end: '12:00' })),
    });
    // The next last Sunday of March (Europe switches to summer time), at least a week ahead.
    let year = DateTime.now().year;
    const lastSundayOfMarch = (y: number) => {
      const end = DateTime.fromObject({ year: y, month: 3, day: 31 }, { zone: 'Europe/Berlin' });
      return end.minus({ days: end.weekday % 7 });
    };
    if (lastSundayOfMarch(year) < DateTime.now().plus({ weeks: 1 })) year += 1;
    const sunday = lastSundayOfMarch(year);
    // As staff: a patient's view is clipped by the booking policy, which other suites on the
    // shared appointment-events topic may have set to fewer days ahead than March is away.
    const slots = await availability(id, sunday.minus({ days: 1 }), sunday.plus({ days: 1 }), 'staff');
    const local = slots.map((slot) => DateTime.fromISO(slot.startsAt, { zone: 'Europe/Berlin' }));
    expect(local.map((t) => t.toFormat('ccc HH:mm ZZ'))).toEqual([
      'Sat 09:00 +01:00',
      'Sat 10:00 +01:00',
      'Sat 11:00 +01:00',
      'Sun 09:00 +02:00',
      'Sun 10:00 +02:00',
      'Sun 11:00 +02:00',
    ]);
    expect(slots[0]).toEqual({ startsAt: local[0]!.toUTC().toISO(), endsAt: local[0]!.plus({ hours: 1 }).toUTC().toISO() });
  });

  it('answers 400 naming bad from/to, 404 for an unknown doctor, and nothing for an inactive one', async () => {
    const id = await createDoctor(utcNineToEleven);
    const get = (query: string) => doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/availability?${query}`, headers: as('staff') });
    const malformed = await get('from=tomorrow&to=2026-13-01T00:00:00Z');
    expect(malformed.statusCode).toBe(400);
    expect(failingFields(malformed.json())).toEqual(['from', 'to']);
    expect(failingFields((await get('from=2027-01-02T00:00:00Z&to=2027-01-01T00:00:00Z')).json())).toEqual(['to']);
    expect(failingFields((await get('from=2027-01-01T00:00:00Z&to=2027-03-01T00:00:00Z')).json())).toEqual(['to']);
    expect(failingFields((await get('to=2027-03-01T00:00:00Z')).json())).toEqual(['from']);

    const monday = upcoming(1, 'UTC');
    const unknown = await doctor.app.inject({
      method: 'GET',
      url: `/api/doctors/${randomUUID()}/availability?from=${monday.toUTC().toISO()}&to=${monday.plus({ days: 1 }).toUTC().toISO()}`,
      headers: as('patient'),
    });
    expect(unknown.statusCode).toBe(404);

    expect(await availability(id, monday, monday.plus({ days: 1 }))).toHaveLength(4);
    await doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${id}`, headers: admin });
    expect(await availability(id, monday, monday.plus({ days: 1 }))).toEqual([]);
  });
});

describe('time off', () => {
  it('is added (201) and removed (204) by admins, and takes its slots out of availability meanwhile', async () => {
    const id = await createDoctor(utcNineToEleven);
    const monday = upcoming(1, 'UTC');
    const before = await availability(id, monday, monday.plus({ days: 1 }));
    expect(before.map((slot) => slot.startsAt.slice(11, 16))).toEqual(['09:00', '09:30', '10:00', '10:30']);

    const entry = { startsAt: monday.set({ hour: 9, minute: 15 }).toISO(), endsAt: monday.set({ hour: 10 }).toISO(), reason: 'Conference' };
    const created = await doctor.app.inject({ method: 'POST', url: `/api/doctors/${id}/time-off`, headers: admin, payload: entry });
    expect(created.statusCode).toBe(201);
    const timeOff = created.json();
    expect(timeOff).toEqual({
      id: expect.any(String),
      doctorId: id,
      startsAt: new Date(entry.startsAt!).toISOString(),
      endsAt: new Date(entry.endsAt!).toISOString(),
      reason: 'Conference',
    });
    const list = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/time-off`, headers: as('patient') });
    expect(list.json()).toEqual({ items: [timeOff] });

    const during = await availability(id, monday, monday.plus({ days: 1 }));
    expect(during.map((slot) => slot.startsAt.slice(11, 16))).toEqual(['10:00', '10:30']);

    const removed = await doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${id}/time-off/${timeOff.id}`, headers: admin });
    expect(removed.statusCode).toBe(204);
    expect(await availability(id, monday, monday.plus({ days: 1 }))).toEqual(before);
    const again = await doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${id}/time-off/${timeOff.id}`, headers: admin });
    expect(again.statusCode).toBe(404);
  });

  it('lists only what overlaps an optional window, earliest first', async () => {
    const id = await createDoctor();
    const add = (startsAt: string, endsAt: string) =>
      doctor.app.inject({ method: 'POST', url: `/api/doctors/${id}/time-off`, headers: admin, payload: { startsAt, endsAt } }).then((r) => r.json());
    const late = await add('2027-02-10T00:00:00Z', '2027-02-12T00:00:00Z');
    const early = await add('2027-01-10T00:00:00+01:00', '2027-01-12T00:00:00+01:00');
    expect(early.reason).toBeNull();
    const list = (query: string) =>
      doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/time-off?${query}`, headers: as('doctor') }).then((r) => r.json());
    expect((await list('')).items.map((t: { id: string }) => t.id)).toEqual([early.id, late.id]);
    expect((await list('from=2027-01-11T23:00:00Z')).items.map((t: { id: string }) => t.id)).toEqual([late.id]);
    expect((await list('to=2027-01-09T23:00:01Z')).items.map((t: { id: string }) => t.id)).toEqual([early.id]);
    expect((await list('from=2027-01-12T00:00:00Z&to=2027-02-10T00:00:00Z')).items).toEqual([]);
  });

  it('answers 400 naming bad fields, 403 to non-admins and 404 for unknown doctors or entries', async () => {
    const id = await createDoctor();
    const other = await createDoctor();
    const post = (doctorId: string, payload: object, headers = admin) =>
      doctor.app.inject({ method: 'POST', url: `/api/doctors/${doctorId}/time-off`, headers, payload });
    const valid = { startsAt: '2027-05-01T00:00:00Z', endsAt: '2027-05-02T00:00:00Z' };

    const malformed = await post(id, { startsAt: '2027-05-01', endsAt: 'soon', reason: 'x'.repeat(501) });
    expect(failingFields(malformed.json())).toEqual(['endsAt', 'reason', 'startsAt']);
    const backwards = await post(id, { startsAt: valid.endsAt, endsAt: valid.startsAt });
    expect(backwards.statusCode).toBe(400);
    expect(failingFields(backwards.json())).toEqual(['endsAt']);
    expect((await post(id, valid, as('staff'))).statusCode).toBe(403);
    expect((await post(randomUUID(), valid)).statusCode).toBe(404);

    const listBad = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/time-off?from=yesterday`, headers: admin });
    expect(failingFields(listBad.json())).toEqual(['from']);
    const listUnknown = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${randomUUID()}/time-off`, headers: admin });
    expect(listUnknown.statusCode).toBe(404);

    const entry = (await post(id, valid)).json();
    const remove = (doctorId: string, timeOffId: string, headers = admin) =>
      doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${doctorId}/time-off/${timeOffId}`, headers });
    expect((await remove(id, entry.id, as('patient'))).statusCode).toBe(403);
    expect((await remove(other, entry.id)).statusCode).toBe(404); // another doctor's entry
    expect(failingFields((await remove(id, 'nope')).json())).toEqual(['timeOffId']);
    const still = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${id}/time-off`, headers: admin });
    expect(still.json().items).toHaveLength(1);
  });
});

describe('booked-slot view (appointment-events on Kafka)', () => {
  let producer: ReturnType<DoctorHarness['kafka']['producer']>;
  beforeAll(async () => {
    producer = doctor.kafka.producer();
    await producer.connect();
  });
  afterAll(() => producer?.disconnect());

  const snapshot = (doctorId: string, startsAt: DateTime, minutes = 30) => ({
    appointmentId: randomUUID(),
    patientId: randomUUID(),
    doctorId,
    startsAt: startsAt.toUTC().toISO()!,
    endsAt: startsAt.plus({ minutes }).toUTC().toISO()!,
    durationMinutes: minutes,
    reason: null,
    patient: { name: 'Pat Test', email: 'pat.test@example.com' },
    doctor: { name: 'Dr. Test', specialty: 'CARDIOLOGY', timeZone: 'UTC' },
  });
  type Snapshot = ReturnType<typeof snapshot>;

  /** Publishes as appointment would: the envelope, keyed by the appointment id. Returns the envelope. */
  async function publish(type: string, data: Snapshot & Record<string, unknown>, options: { id?: string; partition?: number } = {}) {
    const envelope = {
      id: options.id ?? randomUUID(),
      type,
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'appointment',
      subject: data.appointmentId,
      data,
      requestId: randomUUID(),
    };
    await producer.send({
      topic: topics.appointment,
      acks: -1,
      messages: [{ key: data.appointmentId, value: JSON.stringify(envelope), partition: options.partition }],
    });
    return envelope;
  }

  const startTimes = async (id: string, day: DateTime) =>
    (await availability(id, day, day.plus({ days: 1 }))).map((slot) => slot.startsAt.slice(11, 16));
  const until = (id: string, day: DateTime, expected: string[]) =>
    expect.poll(() => startTimes(id, day), { timeout: 25_000, interval: 100 }).toEqual(expected);

  it('drops a booked slot and brings it back when the appointment is cancelled', async () => {
    const id = await createDoctor(utcNineToEleven);
    const monday = upcoming(1, 'UTC');
    expect(await startTimes(id, monday)).toEqual(['09:00', '09:30', '10:00', '10:30']);

    const appointment = snapshot(id, monday.set({ hour: 9, minute: 30 }));
    await publish('AppointmentBooked', appointment);
    await until(id, monday, ['09:00', '10:00', '10:30']);

    await publish('AppointmentCancelled', { ...appointment, cancellationReason: 'Feeling better', cancelledBy: randomUUID() });
    await until(id, monday, ['09:00', '09:30', '10:00', '10:30']);
  });

  it('moves the slot on AppointmentRescheduled and frees it on AppointmentNoShow', async () => {
    const id = await createDoctor(utcNineToEleven);
    const monday = upcoming(1, 'UTC');
    const appointment = snapshot(id, monday.set({ hour: 9 }), 60);
    await publish('AppointmentBooked', appointment);
    await until(id, monday, ['10:00', '10:30']);

    const moved = { ...snapshot(id, monday.set({ hour: 10, minute: 30 })), appointmentId: appointment.appointmentId };
    await publish('AppointmentRescheduled', { ...moved, previousStartsAt: appointment.startsAt, previousEndsAt: appointment.endsAt });
    await until(id, monday, ['09:00', '09:30', '10:00']);

    await publish('AppointmentNoShow', moved);
    await until(id, monday, ['09:00', '09:30', '10:00', '10:30']);
  });

  it('applies a redelivered event once, and never resurrects a cancelled appointment', async () => {
    const id = await createDoctor(utcNineToEleven);
    const monday = upcoming(1, 'UTC');
    // One partition for all of them, so they are applied in the order sent.
    const partition = 0;
    const appointment = snapshot(id, monday.set({ hour: 10 }));
    const booked = await publish('AppointmentBooked', appointment, { partition });
    await publish('AppointmentCancelled', { ...appointment, cancellationReason: null, cancelledBy: 'staff' }, { partition });
    // The same AppointmentBooked again (a producer retry), then a different booking as a marker.
    await publish('AppointmentBooked', appointment, { id: booked.id, partition });
    await publish('AppointmentBooked', snapshot(id, monday.set({ hour: 9 })), { partition });
    // Once the marker shows, everything before it on the partition has been applied.
    await until(id, monday, ['09:30', '10:00', '10:30']);

    const rows = await doctor.database.sql`select released_at from booked_slots where appointment_id = ${appointment.appointmentId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.released_at).not.toBeNull();
  });
});
