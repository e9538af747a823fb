import { createTestDatabase, freePort } from '@pms/devstack';
import { startServiceProcess, type ServiceProcess } from '@pms/devstack/testing';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startService, usersOf, type TestService } from './support/harness.js';

// Booking against the real patient and doctor services (their main.ts, each its own process,
// on databases of their own): no test double between appointment and its gRPC peers.
const issuer = createTestTokenIssuer();
const users = usersOf(issuer);
const staff = users.staff();
const admin = users.admin();
let patientService: ServiceProcess;
let doctorService: ServiceProcess;
let appointment: TestService;

async function peer(name: 'patient' | 'doctor'): Promise<{ process: ServiceProcess; grpc: string }> {
  const [port, grpcPort] = await Promise.all([freePort(), freePort()]);
  const process = await startServiceProcess(fileURLToPath(new URL(`../../${name}`, import.meta.url)), {
    DATABASE_URL: await createTestDatabase(inject('databaseUrl'), `${name}_peer`),
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: `${name}-peer-${randomUUID()}`,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
    HOST: '127.0.0.1',
    PORT: String(port),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    BILLING_GRPC_URL: `127.0.0.1:${await freePort()}`, // billing is not part of this suite
    LOG_LEVEL: 'warn',
  });
  return { process, grpc: `127.0.0.1:${grpcPort}` };
}

async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as { id: string } };
}

/** Next Monday 09:00 UTC, at least a day ahead. */
function nextMondayNine(): Date {
  const date = new Date(Date.now() + 86_400_000);
  date.setUTCDate(date.getUTCDate() + ((8 - date.getUTCDay()) % 7));
  date.setUTCHours(9, 0, 0, 0);
  return date;
}

beforeAll(async () => {
  const [patients, doctors] = await Promise.all([peer('patient'), peer('doctor')]);
  patientService = patients.process;
  doctorService = doctors.process;
  appointment = await startService({ patientUrl: patients.grpc, doctorUrl: doctors.grpc, issuer });
}, 120_000);

afterAll(async () => {
  await appointment?.close();
  await Promise.all([patientService?.stop(), doctorService?.stop()]);
});

describe('booking with the real patient and doctor services', () => {
  it('books inside the schedule, refuses outside it, and refuses unknown parties', async () => {
    const patient = await call(patientService.baseUrl, 'POST', '/api/patients', staff.headers, {
      name: 'Real Peer',
      email: `real-peer-${randomUUID()}@example.test`,
      dateOfBirth: '1985-05-05',
    });
    expect(patient.status).toBe(201);
    const doctor = await call(doctorService.baseUrl, 'POST', '/api/doctors', admin.headers, {
      name: 'Dr. Real Peer',
      email: `dr-real-peer-${randomUUID()}@example.test`,
      specialty: 'NEUROLOGY',
    });
    expect(doctor.status).toBe(201);
    const schedule = await call(doctorService.baseUrl, 'PUT', `/api/doctors/${doctor.body.id}/schedule`, admin.headers, {
      timeZone: 'UTC',
      slotMinutes: 30,
      hours: [{ weekday: 1, start: '09:00', end: '12:00' }],
    });
    expect(schedule.status).toBe(200);

    const book = (body: Record<string, unknown>) =>
      appointment.app.inject({ method: 'POST', url: '/api/appointments', headers: staff.headers, payload: body });
    const monday = nextMondayNine();
    const inside = await book({ patientId: patient.body.id, doctorId: doctor.body.id, startsAt: monday.toISOString() });
    expect(inside.statusCode).toBe(201);
    expect(inside.json()).toMatchObject({ status: 'BOOKED', endsAt: new Date(monday.getTime() + 30 * 60_000).toISOString() });

    const evening = new Date(monday.getTime() + 9 * 3_600_000).toISOString();
    const outside = await book({ patientId: patient.body.id, doctorId: doctor.body.id, startsAt: evening });
    expect(outside.statusCode).toBe(409);
    expect(outside.json().code).toBe('OUTSIDE_SCHEDULE');

    const strangerDoctor = await book({ patientId: patient.body.id, doctorId: randomUUID(), startsAt: monday.toISOString() });
    expect(strangerDoctor.json()).toMatchObject({ statusCode: 422, code: 'UNKNOWN_DOCTOR' });
    const strangerPatient = await book({ patientId: randomUUID(), doctorId: doctor.body.id, startsAt: monday.toISOString() });
    expect(strangerPatient.json()).toMatchObject({ statusCode: 422, code: 'UNKNOWN_PATIENT' });
  });

  it('refuses a booking outside the location’s opening hours, read in the location’s time zone (409 OUTSIDE_OPENING_HOURS)', async () => {
    const patient = await call(patientService.baseUrl, 'POST', '/api/patients', staff.headers, {
      name: 'Opening Hours',
      email: `opening-${randomUUID()}@example.test`,
      dateOfBirth: '1985-05-05',
    });
    const location = await call(doctorService.baseUrl, 'POST', '/api/locations', admin.headers, {
      name: `Uptown ${randomUUID().slice(0, 8)}`,
      timeZone: 'America/New_York',
      openingHours: [{ weekday: 1, start: '10:00', end: '12:00' }],
    });
    expect(location.status).toBe(201);
    const doctor = await call(doctorService.baseUrl, 'POST', '/api/doctors', admin.headers, {
      name: 'Dr. Opening',
      email: `dr-opening-${randomUUID()}@example.test`,
      specialty: 'NEUROLOGY',
    });
    // The doctor's block (08:00-13:00 New York time, the location's zone) is longer than the location is open.
    const schedule = await call(doctorService.baseUrl, 'PUT', `/api/doctors/${doctor.body.id}/schedule`, admin.headers, {
      timeZone: 'UTC',
      slotMinutes: 30,
      hours: [{ weekday: 1, start: '08:00', end: '13:00', locationId: location.body.id }],
    });
    expect(schedule.status).toBe(200);
    const monday = DateTime.now().setZone('America/New_York').plus({ days: 7 }).startOf('week');
    const bookAt = (hour: number, minute = 0) =>
      appointment.app.inject({
        method: 'POST',
        url: '/api/appointments',
        headers: staff.headers,
        payload: { patientId: patient.body.id, doctorId: doctor.body.id, startsAt: monday.set({ hour, minute }).toUTC().toISO() },
      });
    const early = await bookAt(9, 30);
    expect([early.statusCode, early.json().code]).toEqual([409, 'OUTSIDE_OPENING_HOURS']);
    expect(early.json().message).toContain('opening hours');
    const late = await bookAt(12);
    expect([late.statusCode, late.json().code]).toEqual([409, 'OUTSIDE_OPENING_HOURS']);
    expect((await bookAt(11, 30)).statusCode).toBe(201);
  });

  it('lets a patient user book only the record they own, as the patient service says', async () => {
    const owner = users.patient();
    const email = `owner-${randomUUID()}@example.test`;
    const own = await call(patientService.baseUrl, 'POST', '/api/patients', { authorization: `Bearer ${issuer.token({ role: 'patient', sub: owner.userId, email })}` }, {
      name: 'Owner',
      email,
      dateOfBirth: '1990-01-01',
    });
    expect(own.status).toBe(201);
    const doctor = await call(doctorService.baseUrl, 'POST', '/api/doctors', admin.headers, {
      name: 'Dr. Owner',
      email: `dr-owner-${randomUUID()}@example.test`,
      specialty: 'PEDIATRICS',
    });
    await call(doctorService.baseUrl, 'PUT', `/api/doctors/${doctor.body.id}/schedule`, admin.headers, {
      timeZone: 'UTC',
      slotMinutes: 30,
      hours: [{ weekday: 1, start: '09:00', end: '12:00' }],
    });
    const startsAt = new Date(nextMondayNine().getTime() + 60 * 60_000).toISOString();
    const stranger = users.patient();
    const denied = await appointment.app.inject({
      method: 'POST',
      url: '/api/appointments',
      headers: stranger.headers,
      payload: { patientId: own.body.id, doctorId: doctor.body.id, startsAt },
    });
    expect(denied.statusCode).toBe(403);
    const allowed = await appointment.app.inject({
      method: 'POST',
      url: '/api/appointments',
      headers: owner.headers,
      payload: { patientId: own.body.id, doctorId: doctor.body.id, startsAt },
    });
    expect(allowed.statusCode).toBe(201);
  });
});
