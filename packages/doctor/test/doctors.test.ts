import { topics } from '@pms/contracts';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDoctors, seedDemoDoctors } from '../src/domain/demo-doctors.js';
import { as, collectTopic, doctorBody, failingFields, startDoctor, uniqueTag, type DoctorHarness } from './support.js';

let doctor: DoctorHarness;
let doctorEvents: Awaited<ReturnType<typeof collectTopic>>;

beforeAll(async () => {
  doctor = await startDoctor();
  doctorEvents = await collectTopic(doctor.kafka, topics.doctor);
});
afterAll(async () => {
  await doctorEvents?.stop();
  await doctor?.close();
});

const admin = as('admin');

async function createDoctor(overrides: Record<string, unknown> = {}) {
  const response = await doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: doctorBody(overrides) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe('POST /api/doctors', () => {
  it('creates a doctor (201) with the UTC default time zone and publishes DoctorCreated', async () => {
    const body = doctorBody({ email: `Mixed.${uniqueTag()}@Example.com` });
    const response = await doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: body });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      name: body.name,
      email: body.email.toLowerCase(),
      phone: body.phone,
      specialty: 'CARDIOLOGY',
      active: true,
      timeZone: 'UTC',
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.createdAt).toMatch(/Z$/);

    const [event] = await doctorEvents.waitForTypes(created.id, ['DoctorCreated']);
    expect(event).toMatchObject({
      type: 'DoctorCreated',
      source: 'doctor',
      subject: created.id,
      requestId: expect.any(String),
      data: { doctorId: created.id, email: created.email, specialty: 'CARDIOLOGY', active: true, timeZone: 'UTC' },
    });
  });

  it('answers 409 when the email is taken, in any letter case', async () => {
    const first = await createDoctor();
    const response = await doctor.app.inject({
      method: 'POST',
      url: '/api/doctors',
      headers: admin,
      payload: doctorBody({ email: first.email.toUpperCase() }),
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'DOCTOR_EMAIL_TAKEN' });
  });

  it('answers 400 naming every bad field', async () => {
    const response = await doctor.app.inject({
      method: 'POST',
      url: '/api/doctors',
      headers: admin,
      payload: { name: '', email: 'not-an-email', phone: 'call me', specialty: 'ASTROLOGY', active: 'yes' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(failingFields(response.json())).toEqual(['active', 'email', 'name', 'phone', 'specialty']);
  });

  it('answers 403 to every role but admin, and 401 without a token', async () => {
    for (const role of ['staff', 'doctor', 'patient'] as const) {
      const response = await doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: as(role), payload: doctorBody() });
      expect(response.statusCode, role).toBe(403);
    }
    const anonymous = await doctor.app.inject({ method: 'POST', url: '/api/doctors', payload: doctorBody() });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('GET /api/doctors and /api/doctors/:id', () => {
  it('reads one doctor for any role; 404 for an unknown id, 400 for a malformed one', async () => {
    const created = await createDoctor();
    for (const role of ['admin', 'staff', 'doctor', 'patient'] as const) {
      const response = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${created.id}`, headers: as(role) });
      expect(response.statusCode, role).toBe(200);
      expect(response.json()).toEqual(created);
    }
    const unknown = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${randomUUID()}`, headers: as('patient') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'DOCTOR_NOT_FOUND' });
    const malformed = await doctor.app.inject({ method: 'GET', url: '/api/doctors/42', headers: as('patient') });
    expect(malformed.statusCode).toBe(400);
    expect(failingFields(malformed.json())).toEqual(['id']);
  });

  it('filters by specialty, active and q, and pages with a total', async () => {
    const tag = uniqueTag();
    const neuro = await Promise.all([1, 2, 3].map((n) => createDoctor({ name: `Dr. ${tag} Neuro ${n}`, specialty: 'NEUROLOGY' })));
    await createDoctor({ name: `Dr. ${tag} Skin`, specialty: 'DERMATOLOGY' });
    await createDoctor({ name: `Dr. ${tag} Retired`, specialty: 'NEUROLOGY', active: false });

    const list = (query: string) => doctor.app.inject({ method: 'GET', url: `/api/doctors?q=${encodeURIComponent(tag)}&${query}`, headers: as('patient') });

    const firstPage = await list('specialty=NEUROLOGY&active=true&pageSize=2');
    expect(firstPage.statusCode).toBe(200);
    expect(firstPage.json()).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    const secondPage = (await list('specialty=NEUROLOGY&active=true&pageSize=2&page=2')).json();
    const names = [...firstPage.json().items, ...secondPage.items].map((d: { name: string }) => d.name);
    expect(names).toEqual(neuro.map((d) => d.name)); // ordered by name

    expect((await list('active=false')).json().items.map((d: { name: string }) => d.name)).toEqual([`Dr. ${tag} Retired`]);
    expect((await list('specialty=DERMATOLOGY')).json().total).toBe(1);
    // q matches the email too, case-insensitively, and LIKE wildcards are plain text.
    const byEmail = await doctor.app.inject({ method: 'GET', url: `/api/doctors?q=${neuro[0].email.toUpperCase()}`, headers: admin });
    expect(byEmail.json().items.map((d: { id: string }) => d.id)).toEqual([neuro[0].id]);
    const wildcard = await doctor.app.inject({ method: 'GET', url: '/api/doctors?q=%25', headers: admin });
    expect(wildcard.json()).toMatchObject({ total: 0, items: [] });
  });

  it('answers 400 naming every bad filter', async () => {
    const response = await doctor.app.inject({
      method: 'GET',
      url: '/api/doctors?page=0&pageSize=500&specialty=ASTROLOGY&active=maybe',
      headers: as('staff'),
    });
    expect(response.statusCode).toBe(400);
    expect(failingFields(response.json())).toEqual(['active', 'page', 'pageSize', 'specialty']);
  });
});

describe('PUT /api/doctors/:id', () => {
  it('replaces the details and publishes DoctorUpdated; an unchanged PUT publishes nothing', async () => {
    const created = await createDoctor({ specialty: 'PEDIATRICS' });
    const update = { ...doctorBody(), phone: null, specialty: 'ORTHOPEDICS' };
    const response = await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${created.id}`, headers: admin, payload: update });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: created.id, name: update.name, email: update.email, phone: null, specialty: 'ORTHOPEDICS' });
    const again = await doctor.app.inject({ method: 'PUT', url: `/api/doctors/${created.id}`, headers: admin, payload: update });
    expect(again.statusCode).toBe(200);
    // A later change proves the unchanged PUT published nothing in between (events of one doctor stay in order).
    await doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${created.id}`, headers: admin });

    const [, updated, deactivated] = await doctorEvents.waitForTypes(created.id, ['DoctorCreated', 'DoctorUpdated', 'DoctorUpdated']);
    expect(updated?.data).toMatchObject({ email: update.email, phone: null, specialty: 'ORTHOPEDICS', active: true });
    expect(deactivated?.data).toMatchObject({ email: update.email, active: false });
  });

  it('answers 409 for another doctor’s email, 404 for an unknown id, 400 naming bad fields, 403 for non-admins', async () => {
    const [one, two] = [await createDoctor(), await createDoctor()];
    const put = (id: string, payload: unknown, headers = admin) =>
      doctor.app.inject({ method: 'PUT', url: `/api/doctors/${id}`, headers, payload: payload as object });

    const taken = await put(two.id, doctorBody({ email: one.email }));
    expect(taken.statusCode).toBe(409);
    expect((await put(randomUUID(), doctorBody())).statusCode).toBe(404);
    const bad = await put(two.id, { name: 'x'.repeat(201), specialty: 'cardiology' });
    expect(bad.statusCode).toBe(400);
    expect(failingFields(bad.json())).toEqual(['email', 'name', 'specialty']);
    expect(failingFields((await put('nope', doctorBody())).json())).toEqual(['id']);
    expect((await put(one.id, doctorBody(), as('staff'))).statusCode).toBe(403);
    // Nothing changed by the refused writes.
    const unchanged = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${two.id}`, headers: admin });
    expect(unchanged.json()).toEqual(two);
  });
});

describe('schedule changes as events', () => {
  it('announces a new time zone as DoctorUpdated, but not new hours in the same zone', async () => {
    const created = await createDoctor();
    const schedule = (timeZone: string, start: string) => ({ timeZone, slotMinutes: 30, hours: [{ weekday: 2, start, end: '12:00' }] });
    const put = (payload: object) => doctor.app.inject({ method: 'PUT', url: `/api/doctors/${created.id}/schedule`, headers: admin, payload });
    expect((await put(schedule('America/New_York', '09:00'))).statusCode).toBe(200);
    expect((await put(schedule('America/New_York', '08:00'))).statusCode).toBe(200);
    expect((await put(schedule('Asia/Tokyo', '08:00'))).statusCode).toBe(200);

    const [, newYork, tokyo] = await doctorEvents.waitForTypes(created.id, ['DoctorCreated', 'DoctorUpdated', 'DoctorUpdated']);
    expect(newYork?.data).toMatchObject({ doctorId: created.id, timeZone: 'America/New_York' });
    expect(tokyo?.data).toMatchObject({ doctorId: created.id, timeZone: 'Asia/Tokyo' });
  });
});

describe('DELETE /api/doctors/:id', () => {
  it('deactivates (204): the doctor stays readable with active false; repeating it is fine', async () => {
    const created = await createDoctor();
    const response = await doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${created.id}`, headers: admin });
    expect(response.statusCode).toBe(204);
    const read = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${created.id}`, headers: as('staff') });
    expect(read.json()).toMatchObject({ id: created.id, active: false });
    const again = await doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${created.id}`, headers: admin });
    expect(again.statusCode).toBe(204);
  });

  it('answers 403 for non-admins, 404 for an unknown id and 400 for a malformed one', async () => {
    const created = await createDoctor();
    const remove = (id: string, headers = admin) => doctor.app.inject({ method: 'DELETE', url: `/api/doctors/${id}`, headers });
    expect((await remove(created.id, as('doctor'))).statusCode).toBe(403);
    expect((await remove(randomUUID())).statusCode).toBe(404);
    expect(failingFields((await remove('x')).json())).toEqual(['id']);
    const read = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${created.id}`, headers: admin });
    expect(read.json().active).toBe(true);
  });
});

describe('seedDemoDoctors', () => {
  it('creates the demo doctors with schedules once, whatever the number of runs', async () => {
    const [first, second] = [await seedDemoDoctors({ db: doctor.database.db }), await seedDemoDoctors({ db: doctor.database.db })];
    const emails = demoDoctors.map((demo) => demo.doctor.email);
    expect(first.created).toEqual(emails);
    expect(second).toEqual({ created: [], existing: emails });

    const list = await doctor.app.inject({ method: 'GET', url: '/api/doctors?q=demo.pms.example&pageSize=100', headers: as('patient') });
    const seeded = list.json().items as { id: string; specialty: string; timeZone: string }[];
    expect(seeded).toHaveLength(3);
    expect(new Set(seeded.map((d) => d.specialty)).size).toBe(3);
    for (const demo of seeded) {
      const schedule = await doctor.app.inject({ method: 'GET', url: `/api/doctors/${demo.id}/schedule`, headers: as('patient') });
      expect(schedule.json()).toMatchObject({ doctorId: demo.id, slotMinutes: 30, timeZone: demo.timeZone });
      expect(new Set(schedule.json().hours.map((h: { weekday: number }) => h.weekday))).toEqual(new Set([1, 2, 3, 4, 5]));
    }
  });
});

describe('service basics', () => {
  it('is ready with its database, Kafka and its consumer, and documents every route in OpenAPI', async () => {
    await expect
      .poll(async () => (await doctor.app.inject({ method: 'GET', url: '/health/ready' })).json(), { timeout: 10_000 })
      .toEqual({ status: 'ok', checks: { revocations: 'ok', database: 'ok', kafka: 'ok', consumer: 'ok' } });
    const openapi = (await doctor.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths).sort()).toEqual([
      '/api/doctors',
      '/api/doctors/{id}',
      '/api/doctors/{id}/availability',
      '/api/doctors/{id}/schedule',
      '/api/doctors/{id}/time-off',
      '/api/doctors/{id}/time-off/{timeOffId}',
      '/api/equipment',
      '/api/equipment/{id}',
      '/api/equipment/{id}/time-off',
      '/api/equipment/{id}/time-off/{timeOffId}',
      '/api/locations',
      '/api/locations/{id}',
      '/api/rooms',
      '/api/rooms/{id}',
      '/api/rooms/{id}/time-off',
      '/api/rooms/{id}/time-off/{timeOffId}',
      '/fhir/R4/Device',
      '/fhir/R4/Device/{id}',
      '/fhir/R4/Location',
      '/fhir/R4/Location/{id}',
      '/fhir/R4/Practitioner',
      '/fhir/R4/Practitioner/{id}',
      '/fhir/R4/PractitionerRole',
      '/fhir/R4/PractitionerRole/{id}',
      '/fhir/R4/Schedule',
      '/fhir/R4/Schedule/{id}',
      '/fhir/R4/Slot',
      '/fhir/R4/Slot/{id}',
      '/fhir/R4/metadata',
    ]);
  });
});
