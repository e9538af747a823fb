// The types of inject('databaseUrl') and friends, provided by devstack's vitest global setup.
import type {} from '../../devstack/src/vitest-provided.js';
import { randomInt, randomUUID } from 'node:crypto';
import { eventCatalog, type Counts, type EventData, type EventType, type Summary } from '@pms/contracts';
import { createTestDatabase } from '@pms/devstack';
import { connectDatabase, createKafka, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrationsFolder } from '../src/db/migrations-folder.js';
import { bearer, issuer, quiet } from './support.js';

let app: ServiceInstance;
let database: DatabaseHandle;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  const groupId = `analytics-test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    DATABASE_URL: await createTestDatabase(inject('databaseUrl'), 'analytics'),
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: groupId,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
    LOG_LEVEL: process.env.DEBUG_TESTS ? 'debug' : 'silent',
  });
  database = await connectDatabase({ url: config.DATABASE_URL, poolSize: 10, migrationsFolder, eventTables: true });
  kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: groupId, logger: quiet });
  app = await buildApp({ config, database, kafka });
  await app.ready();
  // Ready once the consumer group has joined: nothing published from now on is missed.
  await vi.waitFor(async () => expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200), { timeout: 60_000 });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  await database?.close();
});

/** Every test reads its own window: days no other test (nor any other test file) uses. */
const DAY = 86_400_000;
const uniqueWindowStart = () => Date.UTC(2200, 0, 1) + randomInt(0, 300 * 365) * DAY;

type Envelope = ReturnType<typeof envelope>;
function envelope<T extends EventType>(type: T, subject: string, occurredAt: number, data: EventData<T>) {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date(occurredAt).toISOString(), source: 'test', subject, data, requestId: null };
}

async function publish(...events: Envelope[]): Promise<void> {
  for (const event of events) {
    await producer.send({
      topic: eventCatalog[event.type].topic,
      acks: -1,
      messages: [{ key: event.subject, value: JSON.stringify(event) }],
    });
  }
}

const stored = async (ids: string[]) =>
  Number((await database.sql<{ n: string }[]>`select count(*) as n from event_store where id = any(${ids}::uuid[])`)[0]?.n);

async function summary(from: number | string, to: number | string, role: 'staff' | 'admin' = 'staff'): Promise<Summary> {
  const iso = (value: number | string) => (typeof value === 'number' ? new Date(value).toISOString() : value);
  const response = await app.inject({ url: '/api/analytics/summary', query: { from: iso(from), to: iso(to) }, headers: bearer(role) });
  expect(response.statusCode).toBe(200);
  return response.json<Summary>();
}

const zero: Counts = {
  patientsRegistered: 0,
  appointmentsBooked: 0,
  appointmentsCancelled: 0,
  appointmentsCompleted: 0,
  appointmentsNoShow: 0,
  revenueInvoicedCents: 0,
  revenuePaidCents: 0,
};
const counts = (values: Partial<Counts>): Counts => ({ ...zero, ...values });

function appointment(doctorId: string, specialty: 'CARDIOLOGY' | 'DERMATOLOGY', startsAt: number): EventData<'AppointmentBooked'> {
  return {
    appointmentId: randomUUID(),
    patientId: randomUUID(),
    doctorId,
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(startsAt + 30 * 60_000).toISOString(),
    durationMinutes: 30,
    reason: null,
    patient: { name: 'Ann', email: 'ann@pms.test' },
    doctor: { name: 'Dr. X', specialty, timeZone: 'Europe/Berlin' },
  };
}

function invoice(booked: EventData<'AppointmentBooked'>, amountCents: number): EventData<'InvoiceGenerated'> {
  return {
    invoiceId: randomUUID(),
    appointmentId: booked.appointmentId,
    patientId: booked.patientId,
    doctorId: booked.doctorId,
    specialty: booked.doctor.specialty,
    amountCents,
    currency: 'EUR',
    dueDate: '2200-01-15',
    patient: booked.patient,
  };
}

function patient(registeredAt: number): EventData<'PatientCreated'> {
  return {
    patientId: randomUUID(),
    name: 'Pat',
    email: `pat-${randomUUID().slice(0, 8)}@pms.test`,
    phone: null,
    address: null,
    dateOfBirth: '1980-01-01',
    ownerUserId: null,
    registeredAt: new Date(registeredAt).toISOString(),
  };
}

describe('GET /api/analytics/summary', () => {
  it('counts events and revenue per UTC day, doctor and specialty, each event once', async () => {
    const start = uniqueWindowStart();
    const [day1, day2] = [start, start + DAY];
    const cardiologist = randomUUID();
    const dermatologist = randomUUID();

    const a1 = appointment(cardiologist, 'CARDIOLOGY', day2 + 9 * 3_600_000);
    const a2 = appointment(cardiologist, 'CARDIOLOGY', day2 + 10 * 3_600_000);
    const a3 = appointment(dermatologist, 'DERMATOLOGY', day2 + 11 * 3_600_000);
    const i1 = invoice(a1, 10_000);
    const i3 = invoice(a3, 5_050);
    const p1 = patient(day1);
    const p2 = patient(day1);
    const booked1 = envelope('AppointmentBooked', a1.appointmentId, day1 + 60_000, a1);
    const noShow1 = envelope('AppointmentNoShow', a1.appointmentId, day2 + 10 * 3_600_000, a1);

    const counted = [
      // Day 1: two registrations (one exactly at `from`), three bookings, two invoices.
      envelope('PatientCreated', p1.patientId, day1, p1),
      envelope('PatientCreated', p2.patientId, day1 + 23 * 3_600_000, p2),
      booked1,
      envelope('AppointmentBooked', a2.appointmentId, day1 + 120_000, a2),
      envelope('AppointmentBooked', a3.appointmentId, day1 + 180_000, a3),
      envelope('InvoiceGenerated', i1.invoiceId, day1 + 3_600_000, i1),
      envelope('InvoiceGenerated', i3.invoiceId, day1 + 3_600_000, i3),
      // Day 2: a cancellation, a completion, a payment (and a no-show, below); a voided invoice still counts as invoiced.
      envelope('AppointmentCancelled', a2.appointmentId, day2 + 60_000, { ...a2, cancellationReason: null, cancelledBy: 'patient' }),
      envelope('AppointmentCompleted', a3.appointmentId, day2 + 12 * 3_600_000, a3),
      envelope('InvoicePaid', i1.invoiceId, day2 + 13 * 3_600_000, { ...i1, method: 'CARD', paidAt: new Date(day2 + 13 * 3_600_000).toISOString() }),
      envelope('InvoiceVoided', i3.invoiceId, day2 + 14 * 3_600_000, { ...i3, voidReason: 'goodwill' }),
      envelope('AppointmentRescheduled', a3.appointmentId, day2 + 3_600_000, {
        ...a3,
        previousStartsAt: a3.startsAt,
        previousEndsAt: a3.endsAt,
      }),
    ];
    // Exactly at `to`: outside the half-open window.
    const late = patient(day2 + DAY);
    const outside = envelope('PatientCreated', late.patientId, day2 + DAY, late);

    // The booking again (redelivered), then a later event of the same appointment: same key, same
    // partition, so once the no-show is stored the duplicate has been consumed too.
    await publish(...counted, outside, booked1, noShow1);
    const ids = [...counted, outside, noShow1].map((event) => event.id);
    await expect.poll(() => stored(ids), { timeout: 30_000 }).toBe(ids.length);

    const result = await summary(day1, day2 + DAY);
    expect(result.from).toBe(new Date(day1).toISOString());
    expect(result.to).toBe(new Date(day2 + DAY).toISOString());
    expect(result.totals).toEqual(
      counts({
        patientsRegistered: 2,
        appointmentsBooked: 3,
        appointmentsCancelled: 1,
        appointmentsCompleted: 1,
        appointmentsNoShow: 1,
        revenueInvoicedCents: 15_050,
        revenuePaidCents: 10_000,
      }),
    );
    const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(result.byDay).toEqual([
      { day: isoDay(day1), ...counts({ patientsRegistered: 2, appointmentsBooked: 3, revenueInvoicedCents: 15_050 }) },
      {
        day: isoDay(day2),
        ...counts({ appointmentsCancelled: 1, appointmentsCompleted: 1, appointmentsNoShow: 1, revenuePaidCents: 10_000 }),
      },
    ]);
    expect(result.byDoctor).toEqual(
      [
        {
          doctorId: cardiologist,
          ...counts({ appointmentsBooked: 2, appointmentsCancelled: 1, appointmentsNoShow: 1, revenueInvoicedCents: 10_000, revenuePaidCents: 10_000 }),
        },
        { doctorId: dermatologist, ...counts({ appointmentsBooked: 1, appointmentsCompleted: 1, revenueInvoicedCents: 5_050 }) },
      ].sort((a, b) => a.doctorId.localeCompare(b.doctorId)),
    );
    expect(result.bySpecialty).toEqual([
      {
        specialty: 'CARDIOLOGY',
        ...counts({ appointmentsBooked: 2, appointmentsCancelled: 1, appointmentsNoShow: 1, revenueInvoicedCents: 10_000, revenuePaidCents: 10_000 }),
      },
      { specialty: 'DERMATOLOGY', ...counts({ appointmentsBooked: 1, appointmentsCompleted: 1, revenueInvoicedCents: 5_050 }) },
    ]);

    // A window of day 2 alone, given with an offset: 00:00+02:00 is 22:00 UTC the day before.
    const day2Only = await summary(new Date(day2).toISOString(), new Date(day2 + DAY).toISOString().replace('Z', '+00:00'), 'admin');
    expect(day2Only.totals).toEqual(
      counts({ appointmentsCancelled: 1, appointmentsCompleted: 1, appointmentsNoShow: 1, revenuePaidCents: 10_000 }),
    );
    expect(day2Only.byDay.map((day) => day.day)).toEqual([isoDay(day2)]);
    const shifted = await summary(new Date(day2).toISOString().replace('T00:00:00.000Z', 'T00:00:00+02:00'), day2 + DAY);
    expect(shifted.totals.patientsRegistered).toBe(1); // p2 registered at 23:00 UTC on day 1

    // Partial days come from the event store: up to 11:00 on day 2, and two minutes within day 1.
    const untilEleven = await summary(day1, day2 + 11 * 3_600_000);
    expect(untilEleven.totals).toEqual(
      counts({ patientsRegistered: 2, appointmentsBooked: 3, appointmentsCancelled: 1, appointmentsNoShow: 1, revenueInvoicedCents: 15_050 }),
    );
    expect(untilEleven.byDay.map((day) => day.day)).toEqual([isoDay(day1), isoDay(day2)]);
    const twoMinutes = await summary(day1 + 30_000, day1 + 150_000);
    expect(twoMinutes.totals).toEqual(counts({ appointmentsBooked: 2 }));
    expect(twoMinutes.byDoctor).toEqual([{ doctorId: cardiologist, ...counts({ appointmentsBooked: 2 }) }]);

    // The event store holds the redelivered booking once, as its envelope.
    const rows = await database.sql<{ envelope: { id: string; data: unknown } }[]>`select envelope from event_store where id = ${booked1.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.envelope).toMatchObject({ id: booked1.id, type: 'AppointmentBooked', data: a1 });
  });

  it('answers zeros and empty lists for a window without events', async () => {
    const start = uniqueWindowStart();
    expect(await summary(start, start + DAY)).toEqual({
      from: new Date(start).toISOString(),
      to: new Date(start + DAY).toISOString(),
      totals: zero,
      byDay: [],
      byDoctor: [],
      bySpecialty: [],
    });
  });

  it('names the bad fields of a query', async () => {
    const fields = async (query: Record<string, string>) => {
      const response = await app.inject({ url: '/api/analytics/summary', query, headers: bearer('staff') });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      return response.json<{ details: { field: string }[] }>().details.map((detail) => detail.field).sort();
    };
    expect(await fields({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toEqual(['to']);
    expect(await fields({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })).toEqual(['to']);
    expect(await fields({ from: 'yesterday', to: '2026-03-01T00:00:00Z' })).toEqual(['from']);
    expect(await fields({ from: '2026-03-01', to: '2026-13-01T00:00:00Z' })).toEqual(['from', 'to']);
    expect(await fields({})).toEqual(['from', 'to']);
  });

  it('lets only staff and admins read the summary', async () => {
    const query = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' };
    for (const role of ['doctor', 'patient'] as const) {
      const response = await app.inject({ url: '/api/analytics/summary', query, headers: bearer(role) });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await app.inject({ url: '/api/analytics/summary', query })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/analytics/summary', query, headers: bearer('admin') })).statusCode).toBe(200);
  });
});

describe('service', () => {
  it('reports readiness of its database, Kafka and consumer, and documents its route', async () => {
    await expect
      .poll(async () => (await app.inject({ url: '/health/ready' })).json(), { timeout: 10_000 })
      .toEqual({ status: 'ok', checks: { revocations: 'ok', database: 'ok', kafka: 'ok', consumer: 'ok' } });
    const openapi = (await app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(openapi.paths['/api/analytics/summary'] ?? {})).toEqual(['get']);
    expect(Object.keys((openapi.paths['/api/analytics/summary']?.get as { responses: object }).responses)).toEqual(expect.arrayContaining(['4XX', '5XX']));
  });
});
