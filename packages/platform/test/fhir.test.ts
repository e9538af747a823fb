import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createService, notFound, preconditionFailed, type ServiceInstance } from '../src/index.js';
import { fhirBasePath, fhirResource, metaOf, parseDate, parseSearch, registerFhir, type SearchParamDefinitions } from '../src/fhir/index.js';
import { createTestTokenIssuer } from '../src/testing/index.js';

const issuer = createTestTokenIssuer();
let app: ServiceInstance;
let validator: FhirValidator;

/** An in-memory Patient store: exercises the plumbing, not a service's domain. */
const store = new Map<string, { family: string; birthDate: string; version: number }>();
const toPatient = (id: string) => {
  const row = store.get(id);
  if (!row) throw notFound(`Patient ${id} not found`);
  const patient: Patient = { resourceType: 'Patient', id, meta: metaOf(row.version, new Date('2024-01-02T03:04:05Z')), name: [{ family: row.family }], birthDate: row.birthDate };
  return patient;
};
const PatientIn = z.object({
  resourceType: z.literal('Patient'),
  name: z.array(z.object({ family: z.string().min(1) })).min(1),
  birthDate: z.iso.date(),
});

beforeAll(async () => {
  validator = await sharedFhirValidator();
  app = await createService({
    name: 'sample',
    logLevel: 'silent',
    authentication: {
      keys: { jwks: issuer.jwks },
      issuer: issuer.issuer,
      audience: issuer.audience,
      protectedPrefix: ['/api', `${fhirBasePath}/`],
      publicPaths: [`${fhirBasePath}/metadata`],
    },
  });
  await registerFhir(app, { name: 'sample', version: '1.0.0' }, [
    fhirResource({
      type: 'Patient',
      input: PatientIn,
      searchParams: {
        family: { type: 'string', description: 'Family name starts with' },
        birthdate: { type: 'date', description: 'Date of birth' },
      },
      read: async (_request, id) => toPatient(id),
      search: async (_request, search) => {
        const family = search.one('family');
        const matches = [...store.keys()].filter((id) => !family || store.get(id)!.family.startsWith(family)).sort();
        return { resources: matches.slice(search.offset, search.offset + search.count).map(toPatient), total: matches.length };
      },
      create: async (_request, input) => {
        const id = randomUUID();
        store.set(id, { family: input.name[0]!.family, birthDate: input.birthDate, version: 1 });
        return toPatient(id);
      },
      update: async (_request, id, input, expectedVersion) => {
        const row = store.get(id);
        if (!row) throw notFound(`Patient ${id} not found`);
        if (expectedVersion !== undefined && expectedVersion !== row.version) throw preconditionFailed(`Patient ${id} is at version ${row.version}`);
        store.set(id, { family: input.name[0]!.family, birthDate: input.birthDate, version: row.version + 1 });
        return toPatient(id);
      },
      delete: async (_request, id) => {
        if (!store.delete(id)) throw notFound(`Patient ${id} not found`);
      },
      operations: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
    }),
  ]);
  await app.ready();
});
afterAll(() => app.close());

/** Every FHIR answer (resource, Bundle, OperationOutcome) is checked by HAPI's validator: 0 errors. */
async function fhirCall(options: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: string }) {
  const response = await app.inject(options);
  if (response.body) await expectValidFhir(validator, response.json(), `${options.method} ${options.url} (${response.statusCode})`);
  return response;
}

const auth = { authorization: `Bearer ${issuer.token({ role: 'staff' })}` };
const fhirJson = { ...auth, 'content-type': 'application/fhir+json' };
const outcomeOf = (body: string) => JSON.parse(body) as OperationOutcome;

async function createOne(family = `Fam${randomUUID().slice(0, 8)}`) {
  const response = await fhirCall({ method: 'POST', url: '/fhir/R4/Patient', headers: fhirJson, payload: JSON.stringify({ resourceType: 'Patient', name: [{ family }], birthDate: '1990-05-01' }) });
  expect(response.statusCode).toBe(201);
  return response;
}

describe('FHIR plumbing', () => {
  it('serves a public CapabilityStatement derived from the routes', async () => {
    const response = await fhirCall({ method: 'GET', url: '/fhir/R4/metadata' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const patient = response.json().rest[0].resource[0];
    expect(patient).toMatchObject({ type: 'Patient', versioning: 'versioned-update', operation: [{ name: 'everything' }] });
    expect(patient.interaction.map((i: { code: string }) => i.code)).toEqual(['read', 'search-type', 'create', 'update', 'delete']);
    expect(patient.searchParam.map((p: { name: string }) => p.name)).toEqual(['family', 'birthdate']);
  });

  it('creates from application/fhir+json with Location, ETag and meta, and reads it back', async () => {
    const created = await createOne();
    const id = created.json().id as string;
    expect(created.headers.location).toBe(`http://localhost:80/fhir/R4/Patient/${id}/_history/1`);
    expect(created.headers.etag).toBe('W/"1"');
    const read = await fhirCall({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers: { ...auth, accept: 'application/fhir+json' } });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ resourceType: 'Patient', id, meta: { versionId: '1', lastUpdated: '2024-01-02T03:04:05.000Z' } });
    expect(read.headers['last-modified']).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
  });

  it('answers 401 as an OperationOutcome without a token', async () => {
    const response = await fhirCall({ method: 'GET', url: `/fhir/R4/Patient/${randomUUID()}` });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(outcomeOf(response.body).issue[0]).toMatchObject({ severity: 'error', code: 'login' });
  });

  it('answers unknown ids, non-UUID ids and unknown routes 404 as OperationOutcomes', async () => {
    for (const url of [`/fhir/R4/Patient/${randomUUID()}`, '/fhir/R4/Patient/not-a-uuid', '/fhir/R4/Nothing/1']) {
      const response = await fhirCall({ method: 'GET', url, headers: auth });
      expect(response.statusCode, url).toBe(404);
      expect(outcomeOf(response.body).issue[0]!.code).toBe('not-found');
    }
  });

  it('names the element at fault in a 400: malformed JSON, wrong resourceType, bad field, bad id', async () => {
    const malformed = await fhirCall({ method: 'POST', url: '/fhir/R4/Patient', headers: fhirJson, payload: '{"resourceType": "Patient",' });
    expect(malformed.statusCode).toBe(400);
    expect(outcomeOf(malformed.body).issue[0]).toMatchObject({ code: 'invalid', expression: ['body'] });

    const wrongType = await fhirCall({ method: 'POST', url: '/fhir/R4/Patient', headers: fhirJson, payload: JSON.stringify({ resourceType: 'Practitioner' }) });
    expect(wrongType.statusCode).toBe(400);
    expect(outcomeOf(wrongType.body).issue[0]!.expression).toEqual(['resourceType']);

    const badField = await fhirCall({ method: 'POST', url: '/fhir/R4/Patient', headers: fhirJson, payload: JSON.stringify({ resourceType: 'Patient', name: [{ family: '' }], birthDate: '1990-02-30' }) });
    expect(badField.statusCode).toBe(400);
    expect(outcomeOf(badField.body).issue.flatMap((issue) => issue.expression)).toEqual(['Patient.name[0].family', 'Patient.birthDate']);

    const badId = await fhirCall({ method: 'GET', url: `/fhir/R4/Patient/${'x'.repeat(65)}`, headers: auth });
    expect(badId.statusCode).toBe(400);
    expect(outcomeOf(badId.body).issue[0]!.expression).toEqual(['id']);
  });

  it('updates with If-Match: the current version passes, a stale one is 412, a malformed one 400', async () => {
    const id = (await createOne()).json().id as string;
    const body = JSON.stringify({ resourceType: 'Patient', id, name: [{ family: 'Changed' }], birthDate: '1990-05-01' });
    const fresh = await fhirCall({ method: 'PUT', url: `/fhir/R4/Patient/${id}`, headers: { ...fhirJson, 'if-match': 'W/"1"' }, payload: body });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe('W/"2"');
    const stale = await fhirCall({ method: 'PUT', url: `/fhir/R4/Patient/${id}`, headers: { ...fhirJson, 'if-match': 'W/"1"' }, payload: body });
    expect(stale.statusCode).toBe(412);
    expect(outcomeOf(stale.body).issue[0]!.code).toBe('conflict');
    const malformed = await fhirCall({ method: 'PUT', url: `/fhir/R4/Patient/${id}`, headers: { ...fhirJson, 'if-match': 'yesterday' }, payload: body });
    expect(malformed.statusCode).toBe(400);
    const otherId = await fhirCall({ method: 'PUT', url: `/fhir/R4/Patient/${id}`, headers: fhirJson, payload: body.replace(id, randomUUID()) });
    expect(otherId.statusCode).toBe(400);
    expect(outcomeOf(otherId.body).issue[0]!.expression).toEqual(['Patient.id']);
  });

  it('pages a searchset with total, self and next links', async () => {
    const family = `Page${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i++) await createOne(family);
    const first = await fhirCall({ method: 'GET', url: `/fhir/R4/Patient?family=${family}&_count=2`, headers: auth });
    const bundle = first.json() as Bundle<Patient>;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 3 });
    expect(bundle.entry).toHaveLength(2);
    expect(bundle.entry![0]!.fullUrl).toBe(`http://localhost:80/fhir/R4/Patient/${bundle.entry![0]!.resource!.id}`);
    const next = bundle.link!.find((link) => link.relation === 'next')!.url!;
    expect(bundle.link![0]).toEqual({ relation: 'self', url: `http://localhost:80/fhir/R4/Patient?family=${family}&_count=2` });
    const second = (await fhirCall({ method: 'GET', url: next.replace('http://localhost:80', ''), headers: auth })).json() as Bundle<Patient>;
    expect(second.entry).toHaveLength(1);
    expect(second.link!.some((link) => link.relation === 'next')).toBe(false);
  });

  it('refuses unknown parameters unless Prefer: handling=lenient, and huge or NUL-laden values always', async () => {
    const strict = await fhirCall({ method: 'GET', url: '/fhir/R4/Patient?colour=red', headers: auth });
    expect(strict.statusCode).toBe(400);
    expect(outcomeOf(strict.body).issue[0]!.expression).toEqual(['colour']);
    const lenient = await fhirCall({ method: 'GET', url: '/fhir/R4/Patient?colour=red&_count=1', headers: { ...auth, prefer: 'handling=lenient' } });
    expect(lenient.statusCode).toBe(200);
    expect(lenient.json().link[0].url).not.toContain('colour');
    for (const value of ['a%00b', 'x'.repeat(300), 'ne2020', '2020-13-01']) {
      const param = value.startsWith('ne') || value.startsWith('2020') ? 'birthdate' : 'family';
      const response = await fhirCall({ method: 'GET', url: `/fhir/R4/Patient?${param}=${value}`, headers: auth });
      expect(response.statusCode, value).toBe(400);
      expect(outcomeOf(response.body).issue[0]!.expression).toEqual([param]);
    }
  });

  it('negotiates JSON only: _format=json and Accept: application/json pass, XML is 406', async () => {
    const id = (await createOne()).json().id as string;
    expect((await fhirCall({ method: 'GET', url: `/fhir/R4/Patient/${id}?_format=json`, headers: auth })).statusCode).toBe(200);
    expect((await fhirCall({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers: { ...auth, accept: 'application/json' } })).statusCode).toBe(200);
    const xml = await fhirCall({ method: 'GET', url: `/fhir/R4/Patient/${id}?_format=xml`, headers: auth });
    expect(xml.statusCode).toBe(406);
    expect(outcomeOf(xml.body).issue[0]!.code).toBe('not-supported');
  });

  it('deletes: 204, then 404', async () => {
    const id = (await createOne()).json().id as string;
    expect((await fhirCall({ method: 'DELETE', url: `/fhir/R4/Patient/${id}`, headers: auth })).statusCode).toBe(204);
    expect((await fhirCall({ method: 'GET', url: `/fhir/R4/Patient/${id}`, headers: auth })).statusCode).toBe(404);
  });

  it('lists the FHIR routes in the OpenAPI document with OperationOutcome errors', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/fhir/R4/Patient', '/fhir/R4/Patient/{id}', '/fhir/R4/metadata']));
    expect(JSON.stringify(doc.paths['/fhir/R4/Patient/{id}'].get.responses['4XX'] ?? doc.paths['/fhir/R4/Patient/{id}'].get.responses['4xx'])).toContain('OperationOutcome');
  });
});

describe('FHIR date search values', () => {
  it('turns prefixes and precision into half-open ranges', () => {
    expect(parseDate('d', '1990')).toEqual({ atLeast: new Date('1990-01-01T00:00:00Z'), before: new Date('1991-01-01T00:00:00Z') });
    expect(parseDate('d', 'ge1990-05')).toEqual({ atLeast: new Date('1990-05-01T00:00:00Z') });
    expect(parseDate('d', 'gt1990-05-01')).toEqual({ atLeast: new Date('1990-05-02T00:00:00Z') });
    expect(parseDate('d', 'le1990-05-01')).toEqual({ before: new Date('1990-05-02T00:00:00Z') });
    expect(parseDate('d', 'lt2024-01-31T09:00:00+02:00')).toEqual({ before: new Date('2024-01-31T07:00:00Z') });
    expect(() => parseDate('d', '2024-02-30')).toThrow(/not a valid date/);
  });

  it('refuses years outside 1900-2999 (the JSON API bound; PostgreSQL has no year 0) as a 400 naming the parameter', () => {
    expect(parseDate('d', 'ge1900-01-01')).toEqual({ atLeast: new Date('1900-01-01T00:00:00Z') });
    expect(parseDate('d', 'lt2999-12-31T23:59:59Z')).toEqual({ before: new Date('2999-12-31T23:59:59Z') });
    for (const value of ['0000', 'ge0000-01-01', 'lt1899-12-31', 'eq3000', 'gt9999-12-31T00:00:00Z']) {
      expect(() => parseDate('birthdate', value), value).toThrow(expect.objectContaining({
        kind: 'BAD_INPUT',
        details: [{ field: 'birthdate', message: 'must be in the years 1900 to 2999' }],
      }));
    }
  });

  it('answers an out-of-range date over HTTP with a 400 OperationOutcome naming it', async () => {
    for (const value of ['0000-01-01', 'ge0000', 'lt10000-01-01', 'le3000-01-01']) {
      const response = await fhirCall({ method: 'GET', url: `/fhir/R4/Patient?birthdate=${value}`, headers: auth });
      expect(response.statusCode, value).toBe(400);
      expect(outcomeOf(response.body).issue[0]!.expression).toEqual(['birthdate']);
    }
  });
});

describe('FHIR date ranges', () => {
  const declared: SearchParamDefinitions = { date: { type: 'date', description: 'When' } };
  it('ANDs every repetition into one range: the latest lower and the earliest upper bound', () => {
    const range = (query: Record<string, string | string[]>) => parseSearch(query, declared, { lenient: false }).dateRange('date');
    expect(range({})).toEqual({});
    expect(range({ date: ['ge2024-01-01', 'ge2024-03-01', 'lt2024-06-01', 'le2024-04-30'] })).toEqual({ atLeast: new Date('2024-03-01T00:00:00Z'), before: new Date('2024-05-01T00:00:00Z') });
    expect(range({ date: ['2024', 'ge2024-07'] })).toEqual({ atLeast: new Date('2024-07-01T00:00:00Z'), before: new Date('2025-01-01T00:00:00Z') });
  });
});

describe('FHIR reference search values', () => {
  const declared: SearchParamDefinitions = { practitioner: { type: 'reference', description: 'The doctor', target: ['Practitioner'] }, _id: { type: 'token', description: 'Ids' } };
  const search = (query: Record<string, string>) => parseSearch(query, declared, { lenient: false });
  const id = '0B7C3D4E-1F2A-4B5C-8D9E-0F1A2B3C4D5E';

  it('takes Type/id, a bare id, or an absolute URL ending in Type/id', () => {
    for (const value of [`Practitioner/${id}`, id, `https://clinic.example/fhir/R4/Practitioner/${id}`, `http://localhost:3000/Practitioner/${id}`]) {
      expect(search({ practitioner: value }).referenceId('practitioner', 'Practitioner'), value).toBe(id);
    }
    expect(search({}).referenceId('practitioner', 'Practitioner')).toBeUndefined();
  });

  it('refuses a reference to another type, or anything that is no reference, with a 400 naming the parameter', () => {
    for (const value of [`Patient/${id}`, `https://clinic.example/fhir/R4/Patient/${id}`, `Practitioner/${id}/_history/1`, 'Practitioner/', 'a b', `practitioner/${id}`]) {
      expect(() => search({ practitioner: value }).referenceId('practitioner', 'Practitioner'), value).toThrow(expect.objectContaining({
        kind: 'BAD_INPUT',
        details: [{ field: 'practitioner', message: 'must reference a Practitioner (Practitioner/<id>)' }],
      }));
    }
  });

  it('resolves UUID keys lower-cased, and says when an id cannot be one (null) so the search matches nothing', () => {
    expect(search({ practitioner: `Practitioner/${id}` }).referenceUuid('practitioner', 'Practitioner')).toBe(id.toLowerCase());
    expect(search({ practitioner: 'Practitioner/not-ours' }).referenceUuid('practitioner', 'Practitioner')).toBeNull();
    expect(() => search({ practitioner: 'Patient/not-ours' }).referenceUuid('practitioner', 'Practitioner')).toThrow(/must reference a Practitioner/);
    expect(search({ _id: `${id},not-ours` }).uuids('_id')).toEqual([id.toLowerCase()]);
  });
});
