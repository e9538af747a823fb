import type {} from '../../devstack/src/vitest-provided.js';
import { randomUUID } from 'node:crypto';
import { parseEvent } from '@pms/contracts';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appointments as appointmentRows } from '../src/db/schema.js';
import { snapshotOf } from '../src/domain/views.js';
import { at, eventsOf, traceOfPatient, withService } from './support/harness.js';

const service = withService();
const { users, peers } = service;
const staff = users.staff();
const admin = users.admin();

const post = (url: string, payload: object, headers = staff.headers) => service.app.inject({ method: 'POST', url, headers, payload });
const createType = async (fields: object = {}) => {
  const response = await post('/api/appointment-types', { name: `Type ${randomUUID().slice(0, 8)}`, durationMinutes: 30, ...fields }, admin.headers);
  expect(response.statusCode).toBe(201);
  return response.json();
};
const book = (fields: object) => post('/api/appointments', fields);

describe('appointment types', () => {
  it('admins create, replace and delete; every role reads; each change is announced whole', async () => {
    const type = await createType({ durationMinutes: 45, bufferAfterMinutes: 10, priceCents: 12_000, specialty: 'CARDIOLOGY' });
    expect(type).toMatchObject({ durationMinutes: 45, bufferBeforeMinutes: 0, bufferAfterMinutes: 10, priceCents: 12_000, active: true });

    const asPatient = await service.app.inject({ method: 'GET', url: `/api/appointment-types/${type.id}`, headers: users.patient().headers });
    expect(asPatient.json()).toEqual(type);
    const byStaff = await post('/api/appointment-types', { name: 'Nope', durationMinutes: 30 });
    expect(byStaff.statusCode).toBe(403);

    const replaced = await service.app.inject({
      method: 'PUT',
      url: `/api/appointment-types/${type.id}`,
      headers: admin.headers,
      payload: { name: type.name, durationMinutes: 60 },
    });
    expect(replaced.json()).toMatchObject({ durationMinutes: 60, bufferAfterMinutes: 0, priceCents: null, specialty: null });

    const deleted = await service.app.inject({ method: 'DELETE', url: `/api/appointment-types/${type.id}`, headers: admin.headers });
    expect(deleted.statusCode).toBe(204);
    const gone = await service.app.inject({ method: 'GET', url: `/api/appointment-types/${type.id}`, headers: staff.headers });
    expect(gone.statusCode).toBe(404);
    const listed = await service.app.inject({ method: 'GET', url: '/api/appointment-types', headers: staff.headers });
    expect(listed.json().items.map((t: { id: string }) => t.id)).not.toContain(type.id);

    const announced = await eventsOf(service.database, type.id);
    expect(announced.map((e) => [e.type, e.payload.data.durationMinutes, e.payload.data.deleted])).toEqual([
      ['AppointmentTypeChanged', 45, false],
      ['AppointmentTypeChanged', 60, false],
      ['AppointmentTypeChanged', 60, true],
    ]);
  });

  it('announces each change as the whole type the change left, valid by the contract, and nothing for a refused change', async () => {
    const type = await createType({ durationMinutes: 20, bufferBeforeMinutes: 5, priceCents: 4_000, specialty: 'DERMATOLOGY' });
    const put = (id: string) =>
      service.app.inject({ method: 'PUT', url: `/api/appointment-types/${id}`, headers: admin.headers, payload: { name: 'Renamed', durationMinutes: 25, active: false } });
    expect((await put(type.id)).statusCode).toBe(200);
    const remove = () => service.app.inject({ method: 'DELETE', url: `/api/appointment-types/${type.id}`, headers: admin.headers });
    expect((await remove()).statusCode).toBe(204);
    expect((await remove()).statusCode).toBe(404);
    expect((await put(type.id)).statusCode).toBe(404);

    const whole = { appointmentTypeId: type.id, bufferAfterMinutes: 0, specialty: null, priceCents: null, bufferBeforeMinutes: 0, requiredResources: [] };
    const announced = await eventsOf(service.database, type.id);
    expect(announced.map((event) => event.payload.data)).toStrictEqual([
      { ...whole, name: type.name, durationMinutes: 20, bufferBeforeMinutes: 5, priceCents: 4_000, specialty: 'DERMATOLOGY', active: true, deleted: false },
      { ...whole, name: 'Renamed', durationMinutes: 25, active: false, deleted: false },
      { ...whole, name: 'Renamed', durationMinutes: 25, active: false, deleted: true },
    ]);
    expect(announced.map((event) => parseEvent(event.payload).ok)).toEqual([true, true, true]);
  });

  it('names the field of a bad type (400), never a 500', async () => {
    const response = await post('/api/appointment-types', { name: 'x', durationMinutes: 30, bufferBeforeMinutes: -5 }, admin.headers);
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().details)).toContain('bufferBeforeMinutes');
  });

  it('a booking with a type takes its duration and price; the buffers block the doctor but not the patient', async () => {
    const type = await createType({ durationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 15, priceCents: 9_900 });
    const doctor = peers.addDoctor();
    const otherDoctor = peers.addDoctor();
    const patient = peers.addPatient();

    const first = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: at(0), appointmentTypeId: type.id });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ startsAt: at(0), endsAt: at(30), appointmentTypeId: type.id, seriesId: null });
    const [booked] = await eventsOf(service.database, first.json().id);
    expect(booked?.payload.data).toMatchObject({ appointmentTypeId: type.id, priceCents: 9_900, bufferBeforeMinutes: 5, bufferAfterMinutes: 15 });

    // [at(-5), at(45)) is the doctor's: back-to-back at at(30) is refused, at(45) is fine.
    const inBuffer = await book({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(30) });
    expect(inBuffer.statusCode).toBe(409);
    expect(inBuffer.json().code).toBe('SLOT_TAKEN');
    const before = await book({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(-30) });
    expect(before.statusCode).toBe(409);
    expect((await book({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(45) })).statusCode).toBe(201);
    // The patient is free right after the visit itself.
    expect((await book({ patientId: patient.id, doctorId: otherDoctor.id, startsAt: at(30) })).statusCode).toBe(201);
  });

  it('refuses durationMinutes beside a type (400), an unknown type and a type of another specialty (422)', async () => {
    const type = await createType({ specialty: 'DERMATOLOGY' });
    const patient = peers.addPatient();
    const doctor = peers.addDoctor({ specialty: 'CARDIOLOGY' });
    const both = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: at(0), appointmentTypeId: type.id, durationMinutes: 30 });
    expect(both.statusCode).toBe(400);
    expect(both.json().details[0].field).toBe('durationMinutes');
    const unknown = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: at(0), appointmentTypeId: randomUUID() });
    expect([unknown.statusCode, unknown.json().code]).toEqual([422, 'UNKNOWN_APPOINTMENT_TYPE']);
    const wrong = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: at(0), appointmentTypeId: type.id });
    expect([wrong.statusCode, wrong.json().code]).toEqual([422, 'TYPE_NOT_FOR_SPECIALTY']);
  });
});

describe('recurring series', () => {
  // Berlin leaves winter time on 2027-03-28: 09:00 local is 08:00Z before and 07:00Z after.
  const dstSeries = { startsAt: '2027-03-16T09:00:00+01:00', recurrence: { frequency: 'WEEKLY', interval: 1, count: 4 } };

  it('keeps the wall-clock time in the doctor’s zone across daylight saving', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const response = await post('/api/appointments/series', { patientId: patient.id, doctorId: doctor.id, durationMinutes: 30, ...dstSeries });

    expect(response.statusCode).toBe(201);
    const { seriesId, appointments } = response.json();
    expect(appointments.map((a: { startsAt: string }) => a.startsAt)).toEqual([
      '2027-03-16T08:00:00.000Z',
      '2027-03-23T08:00:00.000Z',
      '2027-03-30T07:00:00.000Z',
      '2027-04-06T07:00:00.000Z',
    ]);
    expect(appointments.every((a: { seriesId: string; status: string }) => a.seriesId === seriesId && a.status === 'BOOKED')).toBe(true);
  });

  it('announces each occurrence once, with its row’s snapshot, in the order of the occurrences', async () => {
    const response = await post('/api/appointments/series', {
      patientId: peers.addPatient().id,
      doctorId: peers.addDoctor().id,
      durationMinutes: 30,
      startsAt: at(60),
      recurrence: { frequency: 'DAILY', interval: 1, count: 3 },
    });
    expect(response.statusCode).toBe(201);
    const { seriesId, appointments } = response.json() as { seriesId: string; appointments: { id: string }[] };

    const announced = await service.database.sql<{ key: string; data: Record<string, unknown> }[]>`
      select key, payload->'data' as data from outbox where type = 'AppointmentBooked' and payload->'data'->>'seriesId' = ${seriesId} order by sequence`;
    expect(announced.map((event) => event.key)).toEqual(appointments.map((appointment) => appointment.id));
    const rows = await service.database.db.select().from(appointmentRows).where(eq(appointmentRows.seriesId, seriesId)).orderBy(appointmentRows.startsAt);
    expect(announced.map((event) => event.data)).toStrictEqual(rows.map(snapshotOf));
  });

  it('announces each cancelled occurrence once, with its own event id and the cancelled row’s snapshot', async () => {
    const { seriesId } = (
      await post('/api/appointments/series', {
        patientId: peers.addPatient().id,
        doctorId: peers.addDoctor().id,
        startsAt: at(240),
        recurrence: { frequency: 'DAILY', interval: 1, count: 3 },
      })
    ).json() as { seriesId: string };
    const cancelled = await post(`/api/appointments/series/${seriesId}/cancel`, { reason: 'all of them' });
    expect(cancelled.statusCode).toBe(200);

    const announced = await service.database.sql<{ id: string; key: string; payload: { id: string; subject: string; type: string; data: object } }[]>`
      select id, key, payload from outbox where type = 'AppointmentCancelled' and payload->'data'->>'seriesId' = ${seriesId}`;
    const rows = await service.database.db.select().from(appointmentRows).where(eq(appointmentRows.seriesId, seriesId));
    expect(announced).toHaveLength(3);
    expect(new Set(announced.map((event) => event.id)).size).toBe(3);
    for (const row of rows) {
      const event = announced.find((candidate) => candidate.key === row.id)!;
      expect(event.payload).toMatchObject({ id: event.id, subject: row.id, type: 'AppointmentCancelled' });
      expect(event.payload.data).toStrictEqual({ ...snapshotOf(row), cancellationReason: 'all of them', cancelledBy: staff.userId });
      expect(parseEvent(event.payload)).toMatchObject({ ok: true });
    }
  });

  it('books nothing when one occurrence is taken, and says which and why (409)', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const blocker = await book({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: '2027-03-30T07:15:00Z' });
    expect(blocker.statusCode).toBe(201);

    const response = await post('/api/appointments/series', { patientId: patient.id, doctorId: doctor.id, durationMinutes: 30, ...dstSeries });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'SERIES_CONFLICT',
      details: [{ field: 'occurrences[2]', message: '2027-03-30T07:00:00.000Z: SLOT_TAKEN' }],
    });
    expect(await traceOfPatient(service.database, patient.id)).toEqual({ rows: 0, events: 0 });
  });

  it('monthly with until; more than 52 occurrences is a 400 naming recurrence.until', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const monthly = await post('/api/appointments/series', {
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: '2027-01-15T10:00:00+01:00',
      recurrence: { frequency: 'MONTHLY', until: '2027-04-15T23:00:00Z' },
    });
    expect(monthly.json().appointments.map((a: { startsAt: string }) => a.startsAt)).toEqual([
      '2027-01-15T09:00:00.000Z',
      '2027-02-15T09:00:00.000Z',
      '2027-03-15T09:00:00.000Z',
      '2027-04-15T08:00:00.000Z',
    ]);
    const tooMany = await post('/api/appointments/series', {
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: '2028-01-01T10:00:00Z',
      recurrence: { frequency: 'DAILY', until: '2028-12-31T10:00:00Z' },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().details[0].field).toBe('recurrence.until');
    const neither = await post('/api/appointments/series', { patientId: patient.id, doctorId: doctor.id, startsAt: at(0), recurrence: { frequency: 'DAILY' } });
    expect(neither.statusCode).toBe(400);
  });

  it('cancels the occurrences from a given one on, each an ordinary cancellation with its event', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const { seriesId, appointments } = (
      await post('/api/appointments/series', { patientId: patient.id, doctorId: doctor.id, ...dstSeries })
    ).json();

    const response = await post(`/api/appointments/series/${seriesId}/cancel`, { from: appointments[2].startsAt, reason: 'moving away' });

    expect(response.statusCode).toBe(200);
    expect(response.json().appointments.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([
      [appointments[2].id, 'CANCELLED'],
      [appointments[3].id, 'CANCELLED'],
    ]);
    const first = await service.app.inject({ method: 'GET', url: `/api/appointments/${appointments[0].id}`, headers: staff.headers });
    expect(first.json().status).toBe('BOOKED');
    expect((await eventsOf(service.database, appointments[3].id)).map((e) => e.type)).toEqual(['AppointmentBooked', 'AppointmentCancelled']);

    const rest = await post(`/api/appointments/series/${seriesId}/cancel`, {});
    expect(rest.json().appointments).toHaveLength(2);
    const unknown = await post(`/api/appointments/series/${randomUUID()}/cancel`, {});
    expect(unknown.statusCode).toBe(404);
  });
});
