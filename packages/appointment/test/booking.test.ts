// Types of inject('databaseUrl') and friends, provided by devstack's vitest global setup.
import type {} from '../../devstack/src/vitest-provided.js';
import { parseEvent, topics } from '@pms/contracts';
import { createKafka, ensureTopics } from '@pms/platform';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, vi } from 'vitest';
import type { DoctorAnswer } from './support/doubles.js';
import { at, eventsOf, traceOfPatient, withService } from './support/harness.js';

const service = withService();
const { users, peers } = service;
const staff = users.staff();

const book = (payload: object, headers: Record<string, string> = staff.headers) =>
  service.app.inject({ method: 'POST', url: '/api/appointments', headers, payload });

describe('POST /api/appointments', () => {
  it('books a 30-minute appointment, answers 201 BOOKED and can be read back', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const response = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: at(0), reason: '  chest pain  ' });

    expect(response.statusCode).toBe(201);
    const appointment = response.json();
    expect(appointment).toMatchObject({
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: at(0),
      endsAt: at(30),
      status: 'BOOKED',
      reason: 'chest pain',
      cancellationReason: null,
      cancelledBy: null,
    });
    expect(response.headers.location).toBe(`/api/appointments/${appointment.id}`);
    const read = await service.app.inject({ method: 'GET', url: `/api/appointments/${appointment.id}`, headers: staff.headers });
    expect(read.json()).toEqual(appointment);
  });

  it('asks doctor about the exact range, passing the request id on to both peers', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const requestId = `req-${randomUUID()}`;
    const response = await book(
      { patientId: patient.id, doctorId: doctor.id, startsAt: '2099-03-01T10:00:00+01:00', durationMinutes: 45 },
      { ...staff.headers, 'x-request-id': requestId },
    );

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ startsAt: '2099-03-01T09:00:00.000Z', endsAt: '2099-03-01T09:45:00.000Z' });
    const [availability] = peers.callsFor('CheckAvailability', doctor.id);
    expect(availability?.request).toEqual({
      doctorId: doctor.id,
      startsAt: '2099-03-01T09:00:00.000Z',
      endsAt: '2099-03-01T09:45:00.000Z',
      required: [],
    });
    expect(availability?.requestId).toBe(requestId);
    expect(peers.callsFor('GetPatient', patient.id)[0]?.requestId).toBe(requestId);
  });

  it('publishes AppointmentBooked on appointment-events in the event envelope', async () => {
    const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'appointment-test-reader', logger: quiet });
    await ensureTopics(kafka, [topics.appointment]);
    const consumer = kafka.consumer({ groupId: `appointment-test-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const messages: { key: string | undefined; value: unknown }[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.appointment], fromBeginning: true });
      const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
      await consumer.run({
        eachMessage: async ({ message }) => {
          messages.push({ key: message.key?.toString(), value: JSON.parse(message.value?.toString() ?? 'null') });
        },
      });
      await joined;

      const patient = peers.addPatient();
      const doctor = peers.addDoctor({ specialty: 'DERMATOLOGY' });
      const requestId = `req-${randomUUID()}`;
      const response = await book(
        { patientId: patient.id, doctorId: doctor.id, startsAt: at(60), reason: 'rash' },
        { ...staff.headers, 'x-request-id': requestId },
      );
      expect(response.statusCode).toBe(201);
      const id: string = response.json().id;

      const message = await vi.waitFor(
        () => {
          const found = messages.find((m) => m.key === id);
          if (!found) throw new Error('the AppointmentBooked message has not arrived yet');
          return found;
        },
        { timeout: 15_000 },
      );
      expect(parseEvent(message.value).ok).toBe(true);
      expect(message.value).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'AppointmentBooked',
        version: 1,
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        source: 'appointment',
        subject: id,
        requestId,
        data: {
          appointmentId: id,
          patientId: patient.id,
          doctorId: doctor.id,
          startsAt: at(60),
          endsAt: at(90),
          durationMinutes: 30,
          reason: 'rash',
          patient: { name: patient.name, email: patient.email },
          doctor: { name: doctor.name, specialty: 'DERMATOLOGY', timeZone: 'Europe/Berlin' },
          appointmentTypeId: null,
          seriesId: null,
          bufferBeforeMinutes: 0,
          bufferAfterMinutes: 0,
          priceCents: null,
          locationId: null,
          resources: [],
        },
      });
    } finally {
      await consumer.disconnect();
    }
  });

  it('answers 400 naming every bad field', async () => {
    const response = await book({ patientId: 'not-a-uuid', startsAt: 'tomorrow', durationMinutes: 2 });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const fields = body.details.map((detail: { field: string }) => detail.field);
    expect(new Set(fields)).toEqual(new Set(['patientId', 'doctorId', 'startsAt', 'durationMinutes']));
  });

  it('answers 400 for a start in the past, asking nobody and writing nothing', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const response = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: new Date(Date.now() - 60_000).toISOString() });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([{ field: 'startsAt', message: 'must be in the future' }]);
    expect(peers.callsFor('GetPatient', patient.id)).toHaveLength(0);
    expect(await traceOfPatient(service.database, patient.id)).toEqual({ rows: 0, events: 0 });
  });

  it('answers 422 UNKNOWN_PATIENT for a patient that patient does not know', async () => {
    const doctor = peers.addDoctor();
    const patientId = randomUUID();
    const response = await book({ patientId, doctorId: doctor.id, startsAt: at(0) });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'UNKNOWN_PATIENT' });
    expect(await traceOfPatient(service.database, patientId)).toEqual({ rows: 0, events: 0 });
  });

  it.each([
    ['doctor answers NOT_FOUND', () => randomUUID()],
    ['doctor answers reason UNKNOWN_DOCTOR', () => peers.addDoctor({ answer: 'UNKNOWN_DOCTOR' }).id],
  ])('answers 422 UNKNOWN_DOCTOR when %s', async (_case, doctorId) => {
    const patient = peers.addPatient();
    const response = await book({ patientId: patient.id, doctorId: doctorId(), startsAt: at(0) });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'UNKNOWN_DOCTOR' });
    expect(await traceOfPatient(service.database, patient.id)).toEqual({ rows: 0, events: 0 });
  });

  it.each<DoctorAnswer>(['OUTSIDE_SCHEDULE', 'OUTSIDE_OPENING_HOURS', 'TIME_OFF', 'INACTIVE'])(
    'answers 409 %s when doctor says so, writing nothing',
    async (reason) => {
      const patient = peers.addPatient();
      const doctor = peers.addDoctor({ answer: reason });
      const response = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: at(0) });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: reason });
      expect(await traceOfPatient(service.database, patient.id)).toEqual({ rows: 0, events: 0 });
    },
  );
});

describe('overlaps, refused by the database', () => {
  it('answers 409 SLOT_TAKEN for any overlap with the doctor’s booked time, and allows back-to-back', async () => {
    const doctor = peers.addDoctor();
    const first = await book({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(0), durationMinutes: 60 });
    expect(first.statusCode).toBe(201);

    for (const [startsAt, durationMinutes] of [[at(0), 60], [at(-15), 30], [at(45), 30], [at(15), 15]] as const) {
      const patient = peers.addPatient();
      const overlap = await book({ patientId: patient.id, doctorId: doctor.id, startsAt, durationMinutes });
      expect(overlap.statusCode, `${startsAt} for ${durationMinutes} min`).toBe(409);
      expect(overlap.json().code).toBe('SLOT_TAKEN');
      expect(await traceOfPatient(service.database, patient.id)).toEqual({ rows: 0, events: 0 });
    }

    const before = await book({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(-30), durationMinutes: 30 });
    const after = await book({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(60), durationMinutes: 30 });
    expect([before.statusCode, after.statusCode]).toEqual([201, 201]);
  });

  it('answers 409 PATIENT_BUSY when the patient already has an overlapping appointment elsewhere', async () => {
    const patient = peers.addPatient();
    const first = await book({ patientId: patient.id, doctorId: peers.addDoctor().id, startsAt: at(0) });
    expect(first.statusCode).toBe(201);
    const second = await book({ patientId: patient.id, doctorId: peers.addDoctor().id, startsAt: at(15) });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('PATIENT_BUSY');
    expect(await traceOfPatient(service.database, patient.id)).toEqual({ rows: 1, events: 1 });
  });

  it('lets exactly one of 50 concurrent requests for one slot win, over real HTTP', async () => {
    const doctor = peers.addDoctor();
    const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
    const requests = Array.from({ length: 50 }, () =>
      fetch(`${address}/api/appointments`, {
        method: 'POST',
        headers: { ...staff.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(120) }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { code?: string } })),
    );
    const answers = await Promise.all(requests);

    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(refused).toHaveLength(49);
    expect(refused.every((answer) => answer.status === 409 && answer.body.code === 'SLOT_TAKEN')).toBe(true);
    const rows = await service.database.sql<{ id: string }[]>`select id from appointments where doctor_id = ${doctor.id}`;
    expect(rows).toHaveLength(1);
    expect(await eventsOf(service.database, rows[0]!.id)).toHaveLength(1);
  });
});

// A 400 names the field the client sent: an instant whose derived end no one can represent blames
// startsAt, not endsAt; input PostgreSQL cannot store is refused at the edge (issue 10 #3).
describe('input no one can store', () => {
  const fieldsOf = (body: { details?: { field: string }[] }) => [...new Set((body.details ?? []).map((d) => d.field))].sort();

  it('blames startsAt for a booking or a reschedule at the end of year 9999', async () => {
    const [patient, doctor] = [peers.addPatient(), peers.addDoctor()];
    const booking = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: '9999-12-31T23:30:00Z' });
    expect([booking.statusCode, fieldsOf(booking.json())]).toEqual([400, ['startsAt']]);

    const booked = await book({ patientId: patient.id, doctorId: doctor.id, startsAt: at(600) });
    expect(booked.statusCode).toBe(201);
    const moved = await service.app.inject({
      method: 'POST',
      url: `/api/appointments/${booked.json().id}/reschedule`,
      headers: staff.headers,
      payload: { startsAt: '9999-12-31T23:30:00Z' },
    });
    expect([moved.statusCode, fieldsOf(moved.json())]).toEqual([400, ['startsAt']]);
  });

  it('refuses a NUL character in a reason, and a list window from year 0000', async () => {
    const nul = await book({ patientId: peers.addPatient().id, doctorId: peers.addDoctor().id, startsAt: at(660), reason: 'a\u0000b' });
    expect([nul.statusCode, fieldsOf(nul.json())]).toEqual([400, ['reason']]);
    const list = await service.app.inject({ method: 'GET', url: '/api/appointments?from=0000-01-01T00:00:00Z', headers: staff.headers });
    expect([list.statusCode, fieldsOf(list.json())]).toEqual([400, ['from']]);
  });
});

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
