import type { Appointment, Bundle, CapabilityStatement, OperationOutcome } from '@medplum/fhirtypes';
import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, eventsOf, withService } from './support/harness.js';

// The policy is one per database (the last test sets one): this file has a service of its own.
const service = withService();
const { users, peers } = service;
const staff = users.staff();
const admin = users.admin();

type Headers = Record<string, string>;

let validator: FhirValidator;
beforeAll(async () => {
  validator = await sharedFhirValidator();
});

/** Every answer (Appointment, Bundle, OperationOutcome) is checked by HAPI's validator: 0 errors, and never a 5xx. */
async function call<T = Appointment>(method: 'GET' | 'POST' | 'PUT', url: string, options: { headers?: Headers; body?: object; status: number }) {
  const response = await service.app.inject({
    method,
    url: `/fhir/R4/${url}`,
    headers: { 'content-type': 'application/fhir+json', ...(options.headers ?? staff.headers) },
    ...(options.body ? { payload: JSON.stringify(options.body) } : {}),
  });
  expect(response.statusCode, response.body).toBe(options.status);
  expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
  await expectValidFhir(validator, response.json(), `${method} ${url} (${response.statusCode})`);
  return { body: response.json() as T, headers: response.headers };
}

const outcome = async (method: 'GET' | 'POST' | 'PUT', url: string, status: number, options: { headers?: Headers; body?: object } = {}) =>
  (await call<OperationOutcome>(method, url, { ...options, status })).body;
const expressions = (answer: OperationOutcome) => answer.issue.flatMap((issue) => issue.expression ?? []);

/** An Appointment to create: the patient and doctor as participants, and the period or slot given. */
const resource = (patientId: string, doctorId: string, period: Partial<Appointment> = {}): Appointment => ({
  resourceType: 'Appointment',
  status: 'booked',
  participant: [
    { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
    { actor: { reference: `Practitioner/${doctorId}` }, status: 'accepted' },
  ],
  ...period,
});
const startEnd = (minutes: number, length = 30) => ({ start: at(minutes), end: at(minutes + length) });
/** The id doctor gives the slot of that period (see doctor's fhir/slot.ts). */
const slotRef = (doctorId: string, startsAt: string, minutes = 30) =>
  `Slot/${doctorId}.${startsAt.slice(0, 16).replace(/[-:T]/g, '')}.${minutes}`;

async function book(options: { patientId?: string; doctorId?: string; minutes?: number; headers?: Headers } = {}) {
  const patientId = options.patientId ?? peers.addPatient().id;
  const doctorId = options.doctorId ?? peers.addDoctor().id;
  const { body } = await call('POST', 'Appointment', {
    body: resource(patientId, doctorId, startEnd(options.minutes ?? 0)),
    headers: options.headers,
    status: 201,
  });
  return body;
}

const put = (appointment: Appointment, changes: Partial<Appointment>, status: number, headers: Headers = staff.headers) =>
  call('PUT', `Appointment/${appointment.id}`, { body: { ...appointment, ...changes }, headers, status });

describe('metadata', () => {
  it('is public and declares Appointment with every interaction and search parameter; the routes are in /openapi.json', async () => {
    const { body } = await call<CapabilityStatement>('GET', 'metadata', { headers: {}, status: 200 });
    const [declared] = body.rest?.[0]?.resource ?? [];
    expect(declared?.type).toBe('Appointment');
    expect(declared?.interaction?.map((interaction) => interaction.code)).toEqual(['read', 'search-type', 'create', 'update']);
    expect(declared?.searchParam?.map((param) => param.name)).toEqual(['patient', 'practitioner', 'date', 'status']);
    const openapi = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/fhir/R4/Appointment', '/fhir/R4/Appointment/{id}']));
  });
});

describe('create (a booking)', () => {
  it('books with start/end: 201, Location, version 1, both participants; the same time again is 409', async () => {
    const patient = peers.addPatient();
    const doctor = peers.addDoctor();
    const { body, headers } = await call('POST', 'Appointment', {
      body: { ...resource(patient.id, doctor.id, startEnd(0, 45)), reasonCode: [{ text: 'Check-up' }] },
      status: 201,
    });
    expect(body).toMatchObject({
      resourceType: 'Appointment',
      status: 'booked',
      start: at(0),
      end: at(45),
      minutesDuration: 45,
      reasonCode: [{ text: 'Check-up' }],
      meta: { versionId: '1' },
      participant: [
        { actor: { reference: `Patient/${patient.id}`, display: patient.name }, status: 'accepted' },
        { actor: { reference: `Practitioner/${doctor.id}`, display: doctor.name }, status: 'accepted' },
      ],
    });
    expect(headers.location).toMatch(new RegExp(`/fhir/R4/Appointment/${body.id}/_history/1$`));
    expect(headers.etag).toBe('W/"1"');
    expect((await eventsOf(service.database, body.id!)).map((event) => event.type)).toEqual(['AppointmentBooked']);

    const taken = await outcome('POST', 'Appointment', 409, { body: resource(peers.addPatient().id, doctor.id, startEnd(15)) });
    expect(taken.issue[0]).toMatchObject({ severity: 'error', code: 'conflict', diagnostics: expect.stringContaining('SLOT_TAKEN') });
  });

  it('books a slot by its reference; the slot taken is 409 until the appointment is cancelled', async () => {
    const doctor = peers.addDoctor();
    const slot = { slot: [{ reference: slotRef(doctor.id, at(60)) }] };
    const participants = (patientId: string) => [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' as const }];
    const first = await call('POST', 'Appointment', { body: { ...resource(peers.addPatient().id, doctor.id, slot), participant: participants(peers.addPatient().id) }, status: 201 });
    expect(first.body).toMatchObject({ start: at(60), end: at(90), participant: [{}, { actor: { reference: `Practitioner/${doctor.id}` } }] });

    const again = resource(peers.addPatient().id, doctor.id, slot);
    expect((await outcome('POST', 'Appointment', 409, { body: again })).issue[0]?.code).toBe('conflict');
    const cancelled = await put(first.body, { status: 'cancelled', cancelationReason: { text: 'Feeling better' } }, 200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelationReason: { text: 'Feeling better' }, meta: { versionId: '2' } });
    await call('POST', 'Appointment', { body: again, status: 201 });
  });

  it('answers 400 naming the element for malformed or incomplete resources, never a 5xx', async () => {
    const patientId = peers.addPatient().id;
    const doctorId = peers.addDoctor().id;
    const cases: [object, string][] = [
      [{ ...resource(patientId, doctorId, startEnd(0)), status: 'proposed' }, 'Appointment.status'],
      [{ ...resource(patientId, doctorId, startEnd(0)), status: 'nonsense' }, 'Appointment.status'],
      [{ ...resource(patientId, doctorId, startEnd(0)), participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }] }, 'Appointment.participant'],
      [{ ...resource(patientId, doctorId, startEnd(0)), participant: [{ actor: { reference: `Organization/${doctorId}` }, status: 'accepted' }] }, 'Appointment.participant[0].actor'],
      // Booking picks the rooms and devices (from the type): a create names none.
      [{ ...resource(patientId, doctorId, startEnd(0)), participant: [...resource(patientId, doctorId).participant, { actor: { reference: `Location/${randomUUID()}` }, status: 'accepted' }] }, 'Appointment.participant'],
      [resource(patientId, doctorId, { start: '2001-01-01T09:00:00Z', end: '2001-01-01T09:30:00Z' }), 'Appointment.start'],
      [resource(patientId, doctorId, { start: at(0), end: at(-30) }), 'Appointment.end'],
      [resource(patientId, doctorId, { start: '0000-01-01T00:00:00Z' }), 'Appointment.start'],
      [resource(patientId, doctorId, { slot: [{ reference: 'Slot/nonsense' }] }), 'Appointment.slot[0].reference'],
      [resource(patientId, doctorId), 'Appointment.start'],
      [{ ...resource(patientId, doctorId, startEnd(0)), reasonCode: [{ text: 'nul\u0000' }] }, 'Appointment.reasonCode[0].text'],
      [{ ...resource(patientId, doctorId, startEnd(0)), reasonCode: [{ text: 'x'.repeat(100_000) }] }, 'Appointment.reasonCode[0].text'],
      [{ ...resource(patientId, doctorId, startEnd(0)), participant: 'everyone' }, 'Appointment.participant'],
      [{ ...resource(patientId, doctorId, startEnd(0)), appointmentType: { coding: [{ system: 'http://example.org', code: 'x' }] } }, 'Appointment.appointmentType.coding'],
    ];
    for (const [body, element] of cases) {
      expect(expressions(await outcome('POST', 'Appointment', 400, { body })), JSON.stringify(body)).toContain(element);
    }
    const wrongType = await outcome('POST', 'Appointment', 400, { body: { resourceType: 'Patient' } });
    expect(wrongType.issue[0]?.code).toBe('invalid');
    expect((await outcome('POST', 'Appointment', 422, { body: resource(randomUUID(), doctorId, startEnd(0)) })).issue[0]?.diagnostics).toContain('UNKNOWN_PATIENT');
  });
});

describe('update (one lifecycle step)', () => {
  it('checks in (arrived) and completes (fulfilled); illegal steps are 409', async () => {
    const booked = await book();
    expect((await outcome('PUT', `Appointment/${booked.id}`, 409, { body: { ...booked, status: 'fulfilled' } })).issue[0]?.code).toBe('conflict');
    const arrived = (await put(booked, { status: 'arrived' }, 200)).body;
    expect(arrived).toMatchObject({ status: 'arrived', meta: { versionId: '2' } });
    const fulfilled = (await put(arrived, { status: 'fulfilled' }, 200)).body;
    expect(fulfilled.status).toBe('fulfilled');
    for (const status of ['booked', 'cancelled', 'proposed', 'entered-in-error'] as const) {
      await outcome('PUT', `Appointment/${booked.id}`, 409, { body: { ...fulfilled, status } });
    }
    // The same resource again changes nothing.
    expect((await put(fulfilled, {}, 200)).body).toEqual(fulfilled);
    expect((await eventsOf(service.database, booked.id!)).map((event) => event.type)).toEqual(['AppointmentBooked', 'AppointmentCompleted']);
  });

  it('marks a no-show, and reschedules by new start/end; If-Match with a stale version is 412', async () => {
    const noShow = await book();
    expect((await put(noShow, { status: 'noshow' }, 200)).body.status).toBe('noshow');

    const booked = await book({ minutes: 120 });
    const stale = await outcome('PUT', `Appointment/${booked.id}`, 412, {
      body: { ...booked, ...startEnd(300) },
      headers: { ...staff.headers, 'if-match': 'W/"7"' },
    });
    expect(stale.issue[0]?.code).toBe('conflict');
    const moved = await call('PUT', `Appointment/${booked.id}`, { body: { ...booked, ...startEnd(300, 60) }, headers: { ...staff.headers, 'if-match': 'W/"1"' }, status: 200 });
    expect(moved.body).toMatchObject({ status: 'booked', start: at(300), end: at(360), meta: { versionId: '2' } });
    expect(moved.headers.etag).toBe('W/"2"');
    await outcome('PUT', `Appointment/${booked.id}`, 412, { body: { ...moved.body, status: 'cancelled' }, headers: { ...staff.headers, 'if-match': 'W/"1"' } });
  });

  it('refuses to change participants, or the status and the times at once (400), and 404s an unknown id', async () => {
    const booked = await book();
    const otherPatient = { participant: [{ actor: { reference: `Patient/${peers.addPatient().id}` }, status: 'accepted' as const }, booked.participant[1]!] };
    expect(expressions(await outcome('PUT', `Appointment/${booked.id}`, 400, { body: { ...booked, ...otherPatient } }))).toContain('Appointment.participant');
    expect(expressions(await outcome('PUT', `Appointment/${booked.id}`, 400, { body: { ...booked, ...startEnd(600), status: 'cancelled' } }))).toContain('Appointment.start');
    const id = randomUUID();
    await outcome('PUT', `Appointment/${id}`, 404, { body: { ...booked, id } });
    expect(expressions(await outcome('PUT', `Appointment/${id}`, 400, { body: booked }))).toContain('Appointment.id');
  });
});

describe('read and search', () => {
  it('lets a patient read their own appointment and 404s someone else’s; a doctor only their own (403 otherwise)', async () => {
    const user = users.patient();
    const patient = peers.addPatient({ ownerUserId: user.userId });
    const doctor = peers.addDoctor();
    const own = await book({ patientId: patient.id, doctorId: doctor.id, minutes: 900 });
    const other = await book({ minutes: 900 });
    expect((await call('GET', `Appointment/${own.id}`, { headers: user.headers, status: 200 })).body.id).toBe(own.id);
    await outcome('GET', `Appointment/${other.id}`, 404, { headers: user.headers });
    await outcome('PUT', `Appointment/${other.id}`, 404, { headers: user.headers, body: { ...other, status: 'cancelled' } });
    await call('GET', `Appointment/${own.id}`, { headers: users.doctor(doctor.id).headers, status: 200 });
    expect((await outcome('GET', `Appointment/${other.id}`, 403, { headers: users.doctor(doctor.id).headers })).issue[0]?.code).toBe('forbidden');
    await outcome('GET', `Appointment/${randomUUID()}`, 404);
    await outcome('GET', `Appointment/${own.id}`, 401, { headers: {} });
    // Booking for someone else's record is refused as in the JSON API.
    const forOther = await outcome('POST', 'Appointment', 403, { headers: user.headers, body: resource(peers.addPatient().id, doctor.id, startEnd(960)) });
    expect(forOther.issue[0]?.code).toBe('forbidden');
  });

  it('searches by patient, practitioner, date and status, with pages; a patient sees only their own', async () => {
    const user = users.patient();
    const patient = peers.addPatient({ ownerUserId: user.userId });
    const doctor = peers.addDoctor();
    const [first, second, third] = [await book({ patientId: patient.id, doctorId: doctor.id, minutes: 1200 }), await book({ patientId: patient.id, minutes: 1300 }), await book({ patientId: patient.id, doctorId: doctor.id, minutes: 1400 })];
    await put(third!, { status: 'cancelled' }, 200);
    const ids = (bundle: Bundle) => (bundle.entry ?? []).map((entry) => entry.resource?.id);
    const search = async (query: string, headers: Headers = staff.headers) => (await call<Bundle>('GET', `Appointment?${query}`, { headers, status: 200 })).body;

    const all = await search(`patient=Patient/${patient.id}&_count=2`, user.headers);
    expect([all.total, ids(all)]).toEqual([3, [first!.id, second!.id]]);
    expect(all.link?.find((link) => link.relation === 'next')?.url).toContain('_offset=2');
    expect(ids(await search(`patient=${patient.id}&practitioner=Practitioner/${doctor.id}&status=booked`))).toEqual([first!.id]);
    expect(ids(await search(`patient=${patient.id}&status=booked,cancelled&date=ge${at(1300)}`))).toEqual([second!.id, third!.id]);
    expect(ids(await search(`patient=${patient.id}&date=ge${at(1200)}&date=lt${at(1300)}`))).toEqual([first!.id]);
    expect((await search(`patient=${patient.id}&status=proposed`)).total).toBe(0);
    // Years PostgreSQL cannot hold (year 0) or bookings never have: a 400 naming date, never a 5xx; the edges are searches.
    for (const date of ['ge0000-01-01', 'lt0000-06-01', 'ge9999-12-31']) {
      expect(expressions(await outcome('GET', `Appointment?patient=${patient.id}&date=${date}`, 400)), date).toEqual(['date']);
    }
    expect((await search(`patient=${patient.id}&date=ge1900-01-01`)).total).toBe(3);
    expect((await search(`patient=${patient.id}&date=gt2999-12-31`)).total).toBe(0);
    // A reference to another type is refused, never read as an id of the one asked for.
    expect(expressions(await outcome('GET', `Appointment?patient=Practitioner/${patient.id}`, 400))).toEqual(['patient']);
    expect(expressions(await outcome('GET', `Appointment?patient=${patient.id}&practitioner=Patient/${doctor.id}`, 400))).toEqual(['practitioner']);

    const stranger = users.patient();
    expect((await search(`patient=${patient.id}`, stranger.headers)).total).toBe(0);
    expect((await outcome('GET', 'Appointment?status=booked', 403, { headers: stranger.headers })).issue[0]?.code).toBe('forbidden');
    expect(expressions(await outcome('GET', `Appointment?patient=${patient.id}&subject=x`, 400))).toEqual(['subject']);
    const lenient = await service.app.inject({ method: 'GET', url: `/fhir/R4/Appointment?patient=${patient.id}&subject=x`, headers: { ...staff.headers, prefer: 'handling=lenient' } });
    expect(lenient.json().total).toBe(3);
    await expectValidFhir(validator, lenient.json());
  });
});

describe('rooms and devices over FHIR', () => {
  it('lists the booked room as a Location and the device as a Device participant; an update may name them back, not others', async () => {
    const exam = { id: randomUUID(), name: `Exam ${randomUUID().slice(0, 4)}`, category: 'ROOM', kind: 'EXAM', capacity: 1 };
    const scanner = { id: randomUUID(), name: `Ultrasound ${randomUUID().slice(0, 4)}`, category: 'EQUIPMENT', kind: 'ULTRASOUND', capacity: 1 };
    const doctor = peers.addDoctor({ resources: [exam, scanner], locationId: randomUUID() });
    const type = await service.app.inject({
      method: 'POST',
      url: '/api/appointment-types',
      headers: admin.headers,
      payload: { name: `Scan ${randomUUID().slice(0, 8)}`, durationMinutes: 30, requiredResources: [{ category: 'ROOM', kind: 'EXAM' }, { category: 'EQUIPMENT', kind: 'ULTRASOUND' }] },
    });
    expect(type.statusCode).toBe(201);
    const booked = await service.app.inject({
      method: 'POST',
      url: '/api/appointments',
      headers: staff.headers,
      payload: { patientId: peers.addPatient().id, doctorId: doctor.id, startsAt: at(600), appointmentTypeId: type.json().id },
    });
    expect(booked.statusCode, booked.body).toBe(201);

    const { body: appointment } = await call('GET', `Appointment/${booked.json().id}`, { status: 200 });
    expect(appointment.participant.slice(2)).toEqual([
      { actor: { reference: `Location/${exam.id}`, display: exam.name }, required: 'required', status: 'accepted' },
      { actor: { reference: `Device/${scanner.id}`, display: scanner.name }, required: 'required', status: 'accepted' },
    ]);
    // What was read goes back as it is (a check-in keeps room and device).
    const { body: arrived } = await put(appointment, { status: 'arrived' }, 200);
    expect(arrived.participant.slice(2).map((one) => one.actor?.reference)).toEqual([`Location/${exam.id}`, `Device/${scanner.id}`]);
    const otherRoom = [...arrived.participant.slice(0, 2), { actor: { reference: `Location/${randomUUID()}` }, status: 'accepted' as const }];
    expect(expressions((await put(arrived, { participant: otherRoom }, 400)).body as unknown as OperationOutcome)).toContain('Appointment.participant');
  });
});

describe('booking policy over FHIR', () => {
  it('binds patient users with 422, as the JSON API does', async () => {
    const policy = { minimumNoticeMinutes: 120, maxAdvanceDays: 365, patientCancelCutoffHours: 24 * 365, patientRescheduleCutoffHours: 0 };
    expect((await service.app.inject({ method: 'PUT', url: '/api/scheduling/policy', headers: admin.headers, payload: policy })).statusCode).toBe(200);
    const user = users.patient();
    const patient = peers.addPatient({ ownerUserId: user.userId });
    const booked = await book({ patientId: patient.id, minutes: 2000, headers: user.headers });
    const refused = await outcome('PUT', `Appointment/${booked.id}`, 422, { body: { ...booked, status: 'cancelled' }, headers: user.headers });
    expect(refused.issue[0]).toMatchObject({ code: 'processing', diagnostics: expect.stringContaining('PAST_CANCEL_CUTOFF') });
    const soon = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000).toISOString();
    const tooSoon = await outcome('POST', 'Appointment', 422, { body: resource(patient.id, peers.addDoctor().id, { start: soon }), headers: user.headers });
    expect(tooSoon.issue[0]?.diagnostics).toContain('TOO_SHORT_NOTICE');
  });
});
