import type { Bundle, CapabilityStatement, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { freePort } from '@pms/devstack';
import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPatientService, uniqueEmail, userOf, type TestService } from './support.js';

// Billing is down for this file (nothing listens on its port): records stay PENDING, which FHIR does not show.
let service: TestService;
let validator: FhirValidator;
let staff: string;
let admin: string;

beforeAll(async () => {
  [service, validator] = await Promise.all([startPatientService(`127.0.0.1:${await freePort()}`), sharedFhirValidator()]);
  staff = userOf(service.tokens, 'staff').token;
  admin = userOf(service.tokens, 'admin').token;
});
afterAll(() => service?.close());

interface FhirCall {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A FHIR call as a client makes it. Every answer that is a resource (Patient, Bundle,
 * OperationOutcome, CapabilityStatement) is checked by HAPI's validator: 0 errors, and never a 5xx.
 */
async function fhir(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, { token, body, headers = {} }: FhirCall = {}) {
  const response = await service.app.inject({
    method,
    url,
    headers: {
      accept: 'application/fhir+json',
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
      ...headers,
    },
    ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(500);
  if (response.body) {
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    await expectValidFhir(validator, response.json(), `${method} ${url} (${response.statusCode})`);
  }
  return response;
}

const outcomeOf = (response: { json(): unknown }) => response.json() as OperationOutcome;
const expressionsOf = (response: { json(): unknown }) => outcomeOf(response).issue.flatMap((issue) => issue.expression ?? []);

const fhirPatient = (overrides: Partial<Patient> = {}): Patient => ({
  resourceType: 'Patient',
  name: [{ use: 'official', family: `Fam${randomUUID().slice(0, 6)}`, given: ['Ada', 'Maria'] }],
  telecom: [
    { system: 'email', value: uniqueEmail('fhir') },
    { system: 'phone', value: '+49 30 7654321' },
  ],
  birthDate: '1984-07-19',
  address: [{ line: ['1 Main Street'], city: 'Springfield', postalCode: '12345' }],
  ...overrides,
});

async function create(patient: Patient = fhirPatient(), token = staff) {
  const response = await fhir('POST', '/fhir/R4/Patient', { token, body: patient });
  expect(response.statusCode).toBe(201);
  return response.json() as Patient;
}

async function auditOf(patientId: string) {
  const response = await call(service.app, 'GET', `/api/patients/audit?patientId=${patientId}&pageSize=100`, admin);
  return (response.json().items as { action: string; actorRole: string }[]).map((entry) => entry.action).sort();
}

describe('FHIR Patient', () => {
  it('serves its CapabilityStatement fragment without a token', async () => {
    const response = await fhir('GET', '/fhir/R4/metadata');
    expect(response.statusCode).toBe(200);
    const statement = response.json() as CapabilityStatement;
    const patient = statement.rest![0]!.resource!.find((resource) => resource.type === 'Patient')!;
    expect(patient.interaction!.map((interaction) => interaction.code)).toEqual(['read', 'search-type', 'create', 'update', 'delete']);
    expect(patient.searchParam!.map((param) => param.name)).toEqual(['_id', 'name', 'family', 'given', 'birthdate', 'email', 'phone', 'telecom']);
    expect(patient.operation).toEqual([expect.objectContaining({ name: 'everything' })]);
  });

  it('creates a Patient the JSON API then shows, and reads it with meta and ETag', async () => {
    const input = fhirPatient();
    const created = await create(input);
    expect(created).toMatchObject({
      resourceType: 'Patient',
      meta: { versionId: '1' },
      name: [{ text: `Ada Maria ${input.name![0]!.family}`, family: input.name![0]!.family, given: ['Ada', 'Maria'] }],
      telecom: [{ system: 'email', value: input.telecom![0]!.value }, { system: 'phone', value: '+49 30 7654321' }],
      birthDate: '1984-07-19',
      address: [{ text: '1 Main Street, 12345, Springfield' }],
    });
    const json = await call(service.app, 'GET', `/api/patients/${created.id}`, staff);
    expect(json.json()).toMatchObject({ id: created.id, name: `Ada Maria ${input.name![0]!.family}`, dateOfBirth: '1984-07-19' });
    expect(json.json()).not.toHaveProperty('version');

    const read = await fhir('GET', `/fhir/R4/Patient/${created.id}`, { token: staff });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('W/"1"');
    expect(read.json()).toEqual(created);
  });

  it('searches by name parts, birthdate prefixes, email, telecom and _id, in pages with total and next links', async () => {
    const family = `Srch${randomUUID().slice(0, 6)}`;
    const born = ['1970-01-15', '1980-06-30', '1990-12-31'];
    const made = [];
    for (const birthDate of born) made.push(await create(fhirPatient({ name: [{ family, given: ['Zed'] }], birthDate })));
    const search = async (query: string) => {
      const response = await fhir('GET', `/fhir/R4/Patient?${query}`, { token: staff });
      expect(response.statusCode, query).toBe(200);
      return response.json() as Bundle<Patient>;
    };
    const ids = (bundle: Bundle<Patient>) => bundle.entry!.map((entry) => entry.resource!.id).sort();

    expect((await search(`family=${family}`)).total).toBe(3);
    expect((await search(`family=${family.slice(0, 6).toLowerCase()}&given=ze`)).total).toBeGreaterThanOrEqual(3);
    expect((await search(`given=${family}`)).total).toBe(0); // the family name is no given name
    expect((await search(`name=${family}&birthdate=ge1980-06-30`)).total).toBe(2);
    expect((await search(`name=${family}&birthdate=gt1980-06-30`)).total).toBe(1);
    expect((await search(`name=${family}&birthdate=lt1980-06-30`)).total).toBe(1);
    expect((await search(`name=${family}&birthdate=le1980-06-30`)).total).toBe(2);
    expect((await search(`name=${family}&birthdate=1980`)).total).toBe(1);
    expect((await search(`name=${family}&birthdate=ge1971&birthdate=lt1990-12`)).total).toBe(1);
    const email = made[0]!.telecom![0]!.value!;
    expect(ids(await search(`email=${email.toUpperCase()}`))).toEqual([made[0]!.id]);
    expect(ids(await search(`telecom=email|${email}`))).toEqual([made[0]!.id]);
    expect(ids(await search(`telecom=${email}`))).toEqual([made[0]!.id]);
    expect(ids(await search(`_id=${made[1]!.id},${made[2]!.id},not-a-uuid`))).toEqual([made[1]!.id, made[2]!.id].sort());

    const first = await search(`family=${family}&_count=2`);
    expect(first.entry).toHaveLength(2);
    expect(first.entry![0]!.fullUrl).toMatch(new RegExp(`/fhir/R4/Patient/${first.entry![0]!.resource!.id}$`));
    const next = first.link!.find((link) => link.relation === 'next')!.url!;
    const second = await search(new URL(next).search.slice(1));
    expect(second.entry).toHaveLength(1);
    expect([...ids(first), ...ids(second)].sort()).toEqual(made.map((patient) => patient.id).sort());
    expect((await search(`family=${family}&_count=0`))).toMatchObject({ total: 3 });
  });

  it('updates with If-Match: the current version wins, a stale one is 412 and changes nothing', async () => {
    const created = await create();
    const changed = { ...created, birthDate: '1984-07-20' };
    const updated = await fhir('PUT', `/fhir/R4/Patient/${created.id}`, { token: staff, body: changed, headers: { 'if-match': 'W/"1"' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.headers.etag).toBe('W/"2"');
    expect(updated.json()).toMatchObject({ birthDate: '1984-07-20', meta: { versionId: '2' } });

    const stale = await fhir('PUT', `/fhir/R4/Patient/${created.id}`, { token: staff, body: { ...changed, birthDate: '1999-01-01' }, headers: { 'if-match': 'W/"1"' } });
    expect(stale.statusCode).toBe(412);
    expect(outcomeOf(stale).issue[0]).toMatchObject({ severity: 'error', code: 'conflict' });
    expect((await fhir('GET', `/fhir/R4/Patient/${created.id}`, { token: staff })).json()).toMatchObject({ birthDate: '1984-07-20', meta: { versionId: '2' } });

    // Without If-Match the update is unconditional; a change through the JSON API also moves the version.
    expect((await fhir('PUT', `/fhir/R4/Patient/${created.id}`, { token: staff, body: changed })).json().meta.versionId).toBe('3');
    const json = (await call(service.app, 'GET', `/api/patients/${created.id}`, staff)).json();
    await call(service.app, 'PUT', `/api/patients/${created.id}`, staff, { name: json.name, email: json.email, dateOfBirth: '1984-07-21' });
    expect((await fhir('PUT', `/fhir/R4/Patient/${created.id}`, { token: staff, body: changed, headers: { 'if-match': 'W/"3"' } })).statusCode).toBe(412);
  });

  it('keeps a patient user to their own compartment: another record is 404, searches show only their own', async () => {
    const user = userOf(service.tokens, 'patient');
    const own = await create(fhirPatient({ telecom: [{ system: 'email', value: user.email }] }), user.token);
    const other = await create();

    expect((await fhir('GET', `/fhir/R4/Patient/${own.id}`, { token: user.token })).statusCode).toBe(200);
    const foreign = await fhir('GET', `/fhir/R4/Patient/${other.id}`, { token: user.token });
    expect(foreign.statusCode).toBe(404);
    expect(outcomeOf(foreign).issue[0]!.code).toBe('not-found');
    expect((await fhir('PUT', `/fhir/R4/Patient/${other.id}`, { token: user.token, body: { ...other, birthDate: '2000-01-01' } })).statusCode).toBe(404);
    const all = (await fhir('GET', '/fhir/R4/Patient', { token: user.token })).json() as Bundle<Patient>;
    expect(all.total).toBe(1);
    expect(all.entry![0]!.resource!.id).toBe(own.id);
    expect((await fhir('GET', `/fhir/R4/Patient?_id=${other.id}`, { token: user.token })).json().total).toBe(0);
    expect((await fhir('DELETE', `/fhir/R4/Patient/${own.id}`, { token: user.token })).statusCode).toBe(403);
  });

  it('writes the same audit entries as the JSON API for create, read, search, update and delete', async () => {
    const created = await create();
    await fhir('GET', `/fhir/R4/Patient/${created.id}`, { token: staff });
    await fhir('GET', `/fhir/R4/Patient?_id=${created.id}`, { token: staff });
    await fhir('PUT', `/fhir/R4/Patient/${created.id}`, { token: staff, body: created });
    expect((await fhir('DELETE', `/fhir/R4/Patient/${created.id}`, { token: staff })).statusCode).toBe(204);
    expect(await auditOf(created.id!)).toEqual(['CREATE', 'DELETE', 'LIST', 'READ', 'UPDATE']);
    expect((await fhir('GET', `/fhir/R4/Patient/${created.id}`, { token: staff })).statusCode).toBe(404);
  });

  it('refuses unknown search parameters (gender is not modelled) unless Prefer: handling=lenient', async () => {
    const strict = await fhir('GET', '/fhir/R4/Patient?gender=female', { token: staff });
    expect(strict.statusCode).toBe(400);
    expect(expressionsOf(strict)).toEqual(['gender']);
    const lenient = await fhir('GET', '/fhir/R4/Patient?gender=female&_count=1', { token: staff, headers: { prefer: 'handling=lenient' } });
    expect(lenient.statusCode).toBe(200);
  });

  it('answers every bad request with an OperationOutcome naming the element, never a 5xx', async () => {
    const noToken = await fhir('GET', `/fhir/R4/Patient/${randomUUID()}`);
    expect(noToken.statusCode).toBe(401);
    expect(outcomeOf(noToken).issue[0]!.code).toBe('login');

    const cases: [string, unknown, string[]][] = [
      ['wrong resourceType', { ...fhirPatient(), resourceType: 'Practitioner' }, ['resourceType']],
      ['no email', fhirPatient({ telecom: [{ system: 'phone', value: '+49 30 1' }] }), ['Patient.telecom']],
      ['impossible birthDate', fhirPatient({ birthDate: '1990-02-30' }), ['Patient.birthDate']],
      ['NUL in the name', fhirPatient({ name: [{ text: 'Ada\u0000Lovelace' }] }), ['Patient.name[0]']],
      ['a huge name', fhirPatient({ name: [{ text: 'A'.repeat(100_000) }] }), ['Patient.name[0]']],
      ['name not a list', { ...fhirPatient(), name: 'Ada' }, ['Patient.name']],
      ['malformed JSON', '{"resourceType": "Patient", "name": [', ['body']],
    ];
    for (const [what, body, expression] of cases) {
      const response = await fhir('POST', '/fhir/R4/Patient', { token: staff, body });
      expect(response.statusCode, what).toBe(400);
      expect(expressionsOf(response), what).toEqual(expression);
    }
    const nulSearch = await fhir('GET', '/fhir/R4/Patient?name=a%00b', { token: staff });
    expect(nulSearch.statusCode).toBe(400);
    expect(expressionsOf(nulSearch)).toEqual(['name']);
    const tooLarge = await fhir('POST', '/fhir/R4/Patient', { token: staff, body: fhirPatient({ address: [{ text: 'x'.repeat(2_000_000) }] }) });
    expect(tooLarge.statusCode).toBe(413);
    const wrongId = await fhir('GET', '/fhir/R4/Patient/not-a-uuid', { token: staff });
    expect(wrongId.statusCode).toBe(404);
  });

  it('answers any birthdate: years PostgreSQL cannot hold or the JSON API refuses are a 400 naming it, edges of the range a search', async () => {
    const family = `Edge${randomUUID().slice(0, 8)}`;
    await create(fhirPatient({ name: [{ family, given: ['Old'] }], birthDate: '1900-01-01' }));
    const birthdate = async (value: string) => fhir('GET', `/fhir/R4/Patient?family=${family}&birthdate=${encodeURIComponent(value)}`, { token: staff });
    for (const value of ['0000', '0000-01-01', 'ge0000-01-01', 'lt1899-12-31', 'eq3000', 'gt9999-12-31T23:59:59Z', '10000-01-01', '-0001', 'ge1990-00-10', '2024-02-30T25:00', 'eb1990']) {
      const response = await birthdate(value);
      expect(response.statusCode, value).toBe(400);
      expect(expressionsOf(response), value).toEqual(['birthdate']);
    }
    // In range they are searches, also where a zone moves the instant over the range's edge.
    const found = async (value: string) => {
      const response = await birthdate(value);
      expect(response.statusCode, value).toBe(200);
      return (response.json() as Bundle).total;
    };
    expect(await found('1900-01-01')).toBe(1);
    expect(await found('ge1900')).toBe(1);
    expect(await found('lt1900-01-01T00:00:00+14:00')).toBe(0);
    expect(await found('ge2999-12-31T23:59:59-14:00')).toBe(0);
    expect(await found('gt2999-12-31')).toBe(0);
  });
});
