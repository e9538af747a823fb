import { freePort } from '@pms/devstack';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, fieldsOf, patientInput, startPatientService, uniqueEmail, userOf, type TestService } from './support.js';

// Billing is down for this whole file (nothing listens on its port): every new patient is PENDING.
let service: TestService;
let staff: string;
let admin: string;
let doctor: string;

beforeAll(async () => {
  service = await startPatientService(`127.0.0.1:${await freePort()}`);
  staff = userOf(service.tokens, 'staff').token;
  admin = userOf(service.tokens, 'admin').token;
  doctor = userOf(service.tokens, 'doctor').token;
});
afterAll(() => service?.close());

const api = (...args: Parameters<typeof call> extends [unknown, ...infer Rest] ? Rest : never) => call(service.app, ...args);

async function createAsStaff(overrides: Record<string, unknown> = {}) {
  const response = await api('POST', '/api/patients', staff, patientInput(overrides));
  expect(response.statusCode).toBe(201);
  return response.json();
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('POST /api/patients', () => {
  it('registers a patient: 201, quickly, PENDING billing while billing is down', async () => {
    const input = patientInput({ email: `Mixed.Case-${randomUUID().slice(0, 8)}@Example.com` });
    const started = performance.now();
    const response = await api('POST', '/api/patients', staff, input);
    const elapsedMs = performance.now() - started;

    expect(response.statusCode).toBe(201);
    expect(elapsedMs).toBeLessThan(1_000);
    const patient = response.json();
    expect(patient).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: input.name,
      email: input.email.toLowerCase(),
      phone: input.phone,
      address: input.address,
      dateOfBirth: input.dateOfBirth,
      registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/),
      ownerUserId: null,
      billingStatus: 'PENDING',
      contactPreferences: { email: true, sms: false },
    });
    expect(Math.abs(Date.parse(patient.registeredAt) - Date.now())).toBeLessThan(60_000);

    const read = await api('GET', `/api/patients/${patient.id}`, staff);
    expect(read.json()).toEqual(patient);
  });

  it('accepts a patient without phone and address', async () => {
    const { phone: _phone, address: _address, ...input } = patientInput();
    const response = await api('POST', '/api/patients', staff, input);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ phone: null, address: null });
  });

  it('names every bad field in a 400', async () => {
    const response = await api('POST', '/api/patients', staff, {
      name: '',
      email: 'not-an-email',
      phone: 'call me',
      address: 'x'.repeat(501),
      dateOfBirth: '12/04/1985',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(fieldsOf(response.json())).toEqual(['address', 'dateOfBirth', 'email', 'name', 'phone']);
  });

  it('names missing fields in a 400', async () => {
    const response = await api('POST', '/api/patients', staff, { phone: '+1 555 0100' });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['dateOfBirth', 'email', 'name']);
  });

  it('rejects a birth date in the future', async () => {
    const response = await api('POST', '/api/patients', staff, patientInput({ dateOfBirth: tomorrow() }));
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([{ field: 'dateOfBirth', message: 'must not be in the future' }]);
  });

  it('answers 409 for an email already taken, whatever its case', async () => {
    const existing = await createAsStaff();
    const response = await api('POST', '/api/patients', admin, patientInput({ email: existing.email.toUpperCase() }));
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'EMAIL_TAKEN' });
  });

  it('keeps one record per email when the same email is registered concurrently', async () => {
    const email = uniqueEmail('race');
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api('POST', '/api/patients', staff, patientInput({ email }))),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it('lets staff and admin register, not doctors; needs a token', async () => {
    expect((await api('POST', '/api/patients', admin, patientInput())).statusCode).toBe(201);
    const byDoctor = await api('POST', '/api/patients', doctor, patientInput());
    expect(byDoctor.statusCode).toBe(403);
    expect(byDoctor.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await api('POST', '/api/patients', undefined, patientInput())).statusCode).toBe(401);
  });
});

describe('GET, PUT, DELETE /api/patients/:id', () => {
  it('answers 404 for an unknown id and 400 naming a malformed one', async () => {
    const unknown = await api('GET', `/api/patients/${randomUUID()}`, staff);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'PATIENT_NOT_FOUND' });
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const malformed = await api(method, '/api/patients/not-a-uuid', admin, method === 'PUT' ? patientInput() : undefined);
      expect(malformed.statusCode, method).toBe(400);
      expect(fieldsOf(malformed.json()), method).toEqual(['id']);
    }
  });

  it('lets doctors read but not change records', async () => {
    const patient = await createAsStaff();
    expect((await api('GET', `/api/patients/${patient.id}`, doctor)).statusCode).toBe(200);
    expect((await api('PUT', `/api/patients/${patient.id}`, doctor, patientInput())).statusCode).toBe(403);
    expect((await api('DELETE', `/api/patients/${patient.id}`, doctor)).statusCode).toBe(403);
    expect((await api('GET', `/api/patients/${patient.id}`, staff)).json().name).toBe(patient.name);
  });

  it('replaces a record with PUT', async () => {
    const patient = await createAsStaff();
    const changes = { name: 'Renamed Person', email: uniqueEmail('moved'), dateOfBirth: '1990-01-31', phone: '+1 555 0199' };
    const response = await api('PUT', `/api/patients/${patient.id}`, staff, changes);
    expect(response.statusCode).toBe(200);
    const expected = { ...patient, ...changes, address: null };
    expect(response.json()).toEqual(expected);
    expect((await api('GET', `/api/patients/${patient.id}`, admin)).json()).toEqual(expected);
  });

  it('rejects a PUT with bad fields, a future birth date, or someone else’s email', async () => {
    const patient = await createAsStaff();
    const other = await createAsStaff();
    const bad = await api('PUT', `/api/patients/${patient.id}`, staff, { name: ' ', email: 'x@', dateOfBirth: tomorrow() });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json())).toEqual(['dateOfBirth', 'email', 'name']);
    const taken = await api('PUT', `/api/patients/${patient.id}`, staff, patientInput({ email: other.email }));
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'EMAIL_TAKEN' });
    expect((await api('PUT', `/api/patients/${randomUUID()}`, staff, patientInput())).statusCode).toBe(404);
    expect((await api('GET', `/api/patients/${patient.id}`, staff)).json()).toEqual(patient);
  });

  it('deletes a record (staff and admin), after which it is gone', async () => {
    for (const token of [staff, admin]) {
      const patient = await createAsStaff();
      const response = await api('DELETE', `/api/patients/${patient.id}`, token);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await api('GET', `/api/patients/${patient.id}`, staff)).statusCode).toBe(404);
      expect((await api('DELETE', `/api/patients/${patient.id}`, token)).statusCode).toBe(404);
    }
  });

  it('frees the email of a deleted record', async () => {
    const patient = await createAsStaff();
    await api('DELETE', `/api/patients/${patient.id}`, staff);
    expect((await api('POST', '/api/patients', staff, patientInput({ email: patient.email }))).statusCode).toBe(201);
  });
});

describe('GET /api/patients', () => {
  const tag = randomUUID().slice(0, 8);
  const names = [`alpha ${tag}`, `Bravo ${tag}`, `charlie ${tag}`];

  beforeAll(async () => {
    for (const name of names) await createAsStaff({ name, email: uniqueEmail(`list-${tag}`) });
  });

  it('searches name and email case-insensitively, sorts and pages', async () => {
    const byName = await api('GET', `/api/patients?q=${tag.toUpperCase()}&sort=name`, staff);
    expect(byName.statusCode).toBe(200);
    expect(byName.json()).toMatchObject({ page: 1, pageSize: 20, total: 3 });
    expect(byName.json().items.map((item: { name: string }) => item.name)).toEqual(names);

    const descending = await api('GET', `/api/patients?q=${tag}&sort=-name`, staff);
    expect(descending.json().items.map((item: { name: string }) => item.name)).toEqual([...names].reverse());

    const secondPage = await api('GET', `/api/patients?q=${tag}&sort=name&page=2&pageSize=2`, doctor);
    expect(secondPage.json()).toMatchObject({ page: 2, pageSize: 2, total: 3, items: [{ name: names[2] }] });
    expect(secondPage.json().items).toHaveLength(1);

    // Past the last page: no items, and still the total, so a client can find its way back.
    const pastTheEnd = await api('GET', `/api/patients?q=${tag}&page=3&pageSize=2`, staff);
    expect(pastTheEnd.json()).toEqual({ page: 3, pageSize: 2, total: 3, items: [] });

    const byEmail = await api('GET', `/api/patients?q=LIST-${tag}&sort=-registeredAt`, admin);
    expect(byEmail.json().items.map((item: { name: string }) => item.name)).toEqual([...names].reverse());
  });

  it('treats % and _ in the search as plain characters', async () => {
    const response = await api('GET', `/api/patients?q=${encodeURIComponent(`${tag}%`)}`, staff);
    expect(response.json()).toMatchObject({ total: 0, items: [] });
    const underscore = await api('GET', `/api/patients?q=${encodeURIComponent(`alpha_${tag}`)}`, staff);
    expect(underscore.json().total).toBe(0);
  });

  it('names every bad query parameter', async () => {
    const response = await api('GET', '/api/patients?page=0&pageSize=1000&sort=age', staff);
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['page', 'pageSize', 'sort']);
  });
});

describe('patient users', () => {
  it('register themselves, reach their own record and no one else’s', async () => {
    const user = userOf(service.tokens, 'patient');
    const created = await api('POST', '/api/patients', user.token, patientInput({ email: user.email }));
    expect(created.statusCode).toBe(201);
    const own = created.json();
    expect(own.ownerUserId).toBe(user.sub);

    const again = await api('POST', '/api/patients', user.token, patientInput({ email: user.email }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'PATIENT_ALREADY_REGISTERED' });

    expect((await api('GET', `/api/patients/${own.id}`, user.token)).json()).toEqual(own);
    const updated = await api('PUT', `/api/patients/${own.id}`, user.token, patientInput({ email: user.email, name: 'My New Name' }));
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id: own.id, name: 'My New Name', ownerUserId: user.sub });
    expect((await api('DELETE', `/api/patients/${own.id}`, user.token)).statusCode).toBe(403);

    // Someone else's record answers exactly like an unknown id: 404.
    const stranger = await createAsStaff();
    expect((await api('GET', `/api/patients/${stranger.id}`, user.token)).statusCode).toBe(404);
    expect((await api('PUT', `/api/patients/${stranger.id}`, user.token, patientInput())).statusCode).toBe(404);
    expect((await api('GET', `/api/patients/${stranger.id}`, staff)).json()).toEqual(stranger);

    const listed = await api('GET', '/api/patients?pageSize=100', user.token);
    expect(listed.json()).toMatchObject({ total: 1, items: [{ id: own.id }] });
  });

  it('claim the unlinked record the clinic keeps under their email, keeping its data', async () => {
    const user = userOf(service.tokens, 'patient');
    const existing = await createAsStaff({ email: user.email });
    const claimed = await api('POST', '/api/patients', user.token, patientInput({ email: user.email.toUpperCase(), name: 'Typed By Patient' }));
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json()).toEqual({ ...existing, ownerUserId: user.sub });
    expect((await api('GET', `/api/patients/${existing.id}`, user.token)).statusCode).toBe(200);

    // Linked now: another account with the same email cannot take it.
    const other = userOf(service.tokens, 'patient', user.email);
    const second = await api('POST', '/api/patients', other.token, patientInput({ email: user.email }));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'EMAIL_TAKEN' });
  });

  it('cannot claim or create a record before proving their email: the record-takeover attack fails', async () => {
    // Staff registers Vera; a stranger self-registers with Vera's email but never gets the link.
    const vera = await createAsStaff({ name: 'Vera Clinic' });
    const sub = randomUUID();
    const stranger = service.tokens.token({ role: 'patient', sub, email: vera.email, email_verified: false });
    const attempt = await api('POST', '/api/patients', stranger, patientInput({ email: vera.email }));
    expect(attempt.statusCode).toBe(403);
    expect(attempt.json()).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
    expect(attempt.body).not.toContain('Vera Clinic');
    expect((await api('GET', `/api/patients/${vera.id}`, staff)).json().ownerUserId).toBeNull();
    expect((await api('GET', `/api/patients/${vera.id}`, stranger)).statusCode).toBe(404);
    // Nor may an unverified account create a new record.
    const newcomer = uniqueEmail('newcomer');
    const unverified = service.tokens.token({ role: 'patient', sub: randomUUID(), email: newcomer, email_verified: false });
    expect((await api('POST', '/api/patients', unverified, patientInput({ email: newcomer }))).json()).toMatchObject({ code: 'EMAIL_NOT_VERIFIED' });
    // A token without the claim at all counts as unverified.
    const noClaim = service.tokens.signRaw({ role: 'patient', sub: randomUUID(), email: newcomer, iss: service.tokens.issuer, aud: service.tokens.audience });
    expect((await api('POST', '/api/patients', noClaim, patientInput({ email: newcomer }))).statusCode).toBe(403);
  });

  it('staff link a record to a user account (and unlink it); one record per user; audited', async () => {
    const record = await createAsStaff();
    const user = userOf(service.tokens, 'patient');
    const linked = await api('PUT', `/api/patients/${record.id}/owner`, staff, { userId: user.sub });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toEqual({ ...record, ownerUserId: user.sub });
    expect((await api('GET', `/api/patients/${record.id}`, user.token)).statusCode).toBe(200);

    const another = await createAsStaff();
    const twice = await api('PUT', `/api/patients/${another.id}/owner`, staff, { userId: user.sub });
    expect(twice.json()).toMatchObject({ statusCode: 409, code: 'PATIENT_ALREADY_REGISTERED' });
    expect((await api('PUT', `/api/patients/${record.id}/owner`, user.token, { userId: user.sub })).statusCode).toBe(403);
    expect((await api('PUT', `/api/patients/${randomUUID()}/owner`, staff, { userId: user.sub })).statusCode).toBe(404);
    expect((await api('PUT', `/api/patients/${record.id}/owner`, staff, { userId: 'me' })).json().details[0].field).toBe('userId');

    expect((await api('PUT', `/api/patients/${record.id}/owner`, staff, { userId: null })).json().ownerUserId).toBeNull();
    expect((await api('GET', `/api/patients/${record.id}`, user.token)).statusCode).toBe(404);
    const audit = await api('GET', `/api/patients/audit?patientId=${record.id}`, admin);
    expect(audit.json().items.filter((entry: { action: string }) => entry.action === 'LINK')).toHaveLength(2);
  });

  it('sends Cache-Control: no-store with patient data', async () => {
    const record = await createAsStaff();
    expect((await api('GET', `/api/patients/${record.id}`, staff)).headers['cache-control']).toBe('no-store');
  });

  it('cannot register under an email that is not their account’s', async () => {
    const user = userOf(service.tokens, 'patient');
    const victim = await createAsStaff();
    for (const email of [uniqueEmail('someone-else'), victim.email]) {
      const response = await api('POST', '/api/patients', user.token, patientInput({ email }));
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'EMAIL_NOT_OWN' });
    }
    const noEmailClaim = service.tokens.token({ role: 'patient', sub: randomUUID() });
    expect((await api('POST', '/api/patients', noEmailClaim, patientInput())).statusCode).toBe(403);
    expect((await api('GET', `/api/patients/${victim.id}`, staff)).json().ownerUserId).toBeNull();
  });
});

describe('GET /api/patients/audit', () => {
  it('records who read and changed a record, newest first, for admins only', async () => {
    const patient = await createAsStaff();
    const reader = userOf(service.tokens, 'doctor');
    await api('GET', `/api/patients/${patient.id}`, reader.token, undefined, 'req-audit-read');
    await api('PUT', `/api/patients/${patient.id}`, admin, patientInput({ email: patient.email }), 'req-audit-update');
    await api('GET', `/api/patients?q=${encodeURIComponent(patient.email)}`, staff, undefined, 'req-audit-list');
    await api('DELETE', `/api/patients/${patient.id}`, staff, undefined, 'req-audit-delete');

    const response = await api('GET', `/api/patients/audit?patientId=${patient.id}`, admin);
    expect(response.statusCode).toBe(200);
    const log = response.json();
    expect(log).toMatchObject({ page: 1, pageSize: 20, total: 5 });
    expect(log.items.map((entry: { action: string }) => entry.action)).toEqual(['DELETE', 'LIST', 'UPDATE', 'READ', 'CREATE']);
    expect(log.items[3]).toEqual({
      id: expect.any(String),
      patientId: patient.id,
      actorId: reader.sub,
      actorRole: 'doctor',
      action: 'READ',
      at: expect.stringMatching(/Z$/),
      requestId: 'req-audit-read',
      relatedPatientId: null,
    });
    expect(log.items.map((entry: { requestId: string }) => entry.requestId).slice(0, 3)).toEqual([
      'req-audit-delete',
      'req-audit-list',
      'req-audit-update',
    ]);

    const paged = await api('GET', `/api/patients/audit?patientId=${patient.id}&page=2&pageSize=2`, admin);
    expect(paged.json().items.map((entry: { action: string }) => entry.action)).toEqual(['UPDATE', 'READ']);
  });

  it('does not log a failed read', async () => {
    const patient = await createAsStaff();
    const stranger = userOf(service.tokens, 'patient');
    expect((await api('GET', `/api/patients/${patient.id}`, stranger.token)).statusCode).toBe(404);
    const log = await api('GET', `/api/patients/audit?patientId=${patient.id}`, admin);
    expect(log.json().items.map((entry: { action: string }) => entry.action)).toEqual(['CREATE']);
  });

  it('is for admins only and validates its query', async () => {
    for (const token of [staff, doctor, userOf(service.tokens, 'patient').token]) {
      expect((await api('GET', '/api/patients/audit', token)).statusCode).toBe(403);
    }
    const all = await api('GET', '/api/patients/audit?pageSize=1', admin);
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBeGreaterThan(0);
    const bad = await api('GET', '/api/patients/audit?patientId=nope&page=-1', admin);
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json())).toEqual(['page', 'patientId']);
  });
});

describe('service endpoints', () => {
  it('reports billing (down in this suite) as not ready, and documents its routes in OpenAPI', async () => {
    const ready = await service.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks).toMatchObject({ database: 'ok', kafka: 'ok' });
    expect(ready.json().checks.billing).toMatch(/billing/i);
    const openapi = await service.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths).sort()).toEqual([
      '/api/patients',
      '/api/patients/audit',
      '/api/patients/duplicates',
      '/api/patients/{id}',
      '/api/patients/{id}/duplicates',
      '/api/patients/{id}/merge',
      '/api/patients/{id}/not-duplicates',
      '/api/patients/{id}/owner',
      '/fhir/R4/Patient',
      '/fhir/R4/Patient/{id}',
      '/fhir/R4/metadata',
    ]);
    expect(Object.keys(openapi.json().paths['/api/patients/{id}']).sort()).toEqual(['delete', 'get', 'put']);
  });
});
