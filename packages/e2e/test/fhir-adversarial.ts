import type { Bundle } from '@medplum/fhirtypes';
import type { FhirValidator } from '@pms/devstack/testing';
import { expectValidFhir } from '@pms/devstack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../src/client.js';
import { rawFhir, validOutcome, type FhirAnswer } from '../src/fhir.js';
import { registerPatientUser, type PatientUser } from '../src/patient-user.js';

export interface FhirTestContext {
  gatewayUrl: string;
  api: GatewayClient;
  validator: FhirValidator;
  admin: string;
  smtpApiUrl: string;
}

interface Case {
  name: string;
  send: () => Promise<FhirAnswer>;
  /** The 4xx answers the issue allows for it; never a 5xx. */
  statuses: number[];
}

/**
 * What a careless or hostile client sends to /fhir/R4: whatever it is, the answer is a 4xx with
 * an OperationOutcome HAPI finds valid, never a 5xx, and a patient user learns nothing about
 * another patient. Imported by fhir-client.test.ts, which starts the system.
 */
export function describeFhirAdversarial(contextOf: () => FhirTestContext): void {
  describe('FHIR answers hostile and malformed requests with an OperationOutcome, never a 5xx', () => {
    let ctx: FhirTestContext;
    let patient: PatientUser;
    let otherId: string;
    let doctorId: string;
    /** A free slot of that doctor: a booking a patient user may make, but only for themself. */
    let freeSlot: { startsAt: string; endsAt: string };
    const send = (method: string, path: string, options: Parameters<typeof rawFhir>[3] = {}) =>
      rawFhir(ctx.gatewayUrl, method, path, { token: ctx.admin, ...options });
    const asPatient = (method: string, path: string, body?: unknown) =>
      rawFhir(ctx.gatewayUrl, method, path, { token: patient.token, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (value: unknown) => JSON.stringify(value);
    const aPatient = (family: string) => ({
      resourceType: 'Patient',
      name: [{ family, given: ['Eve'] }],
      telecom: [{ system: 'email', value: `eve-${Date.now()}@e2e.example` }],
      birthDate: '1970-01-01',
    });

    beforeAll(async () => {
      ctx = contextOf();
      patient = await registerPatientUser(ctx.api, ctx.smtpApiUrl, 'Pat Adversary');
      // Another patient with an appointment: something a leak would show.
      const other = await ctx.api.post('/api/patients', { name: 'Olga Other', email: `olga-${Date.now()}@e2e.example`, dateOfBirth: '1950-02-03' }, ctx.admin);
      otherId = other.body.id;
      const doctor = await ctx.api.post('/api/doctors', { name: 'Dr. Adversarial', email: `adv-${Date.now()}@e2e.example`, specialty: 'CARDIOLOGY' }, ctx.admin);
      doctorId = doctor.body.id;
      const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
      await ctx.api.put(`/api/doctors/${doctorId}/schedule`, { timeZone: 'Europe/Berlin', slotMinutes: 30, hours }, ctx.admin);
      const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      const { body } = await ctx.api.get(`/api/doctors/${doctorId}/availability?from=${day}T00:00:00Z&to=${day}T23:59:59Z`, ctx.admin);
      const booked = await ctx.api.post('/api/appointments', { patientId: otherId, doctorId, startsAt: body.slots[0].startsAt }, ctx.admin);
      expect(booked.status).toBe(201);
      freeSlot = body.slots[1];
    });

    const cases: Case[] = [
      // Bodies no FHIR server should take.
      { name: 'malformed JSON', send: () => send('POST', '/Patient', { body: '{"resourceType":"Patient","name":[{"family":' }), statuses: [400] },
      { name: 'a JSON array for a resource', send: () => send('POST', '/Patient', { body: '[]' }), statuses: [400, 422] },
      { name: 'JSON null for a resource', send: () => send('POST', '/Patient', { body: 'null' }), statuses: [400, 422] },
      { name: 'no resourceType', send: () => send('POST', '/Patient', { body: json({ name: [{ family: 'Nobody' }] }) }), statuses: [400, 422] },
      { name: 'a Practitioner posted as a Patient', send: () => send('POST', '/Patient', { body: json({ ...aPatient('Wrong'), resourceType: 'Practitioner' }) }), statuses: [400, 422] },
      { name: 'a Patient posted as an Appointment', send: () => send('POST', '/Appointment', { body: json(aPatient('Wrong')) }), statuses: [400, 422] },
      { name: 'an update whose body names another id', send: () => send('PUT', `/Patient/${otherId}`, { body: json({ ...aPatient('Swap'), id: patient.patientId }) }), statuses: [400, 409, 422] },
      { name: 'a text/plain body', send: () => send('POST', '/Patient', { body: json(aPatient('Plain')), headers: { 'content-type': 'text/plain' } }), statuses: [400, 415] },
      // Values: huge, NUL-laden, or not of their type.
      { name: 'a 2 MB family name', send: () => send('POST', '/Patient', { body: json(aPatient('x'.repeat(2_000_000))) }), statuses: [400, 413, 422] },
      { name: 'a 20 kB family name', send: () => send('POST', '/Patient', { body: json(aPatient('y'.repeat(20_000))) }), statuses: [400, 422] },
      { name: 'an escaped NUL in a name (PostgreSQL text cannot hold it)', send: () => send('POST', '/Patient', { body: json(aPatient('Nul\u0000l')) }), statuses: [400, 422] },
      { name: 'a raw NUL byte inside a JSON string', send: () => send('POST', '/Patient', { body: Buffer.from('{"resourceType":"Patient","name":[{"family":"A\u0000B"}]}') }), statuses: [400] },
      { name: 'a birthDate that is no date', send: () => send('POST', '/Patient', { body: json({ ...aPatient('Date'), birthDate: '1990-13-45' }) }), statuses: [400, 422] },
      // Search parameters.
      { name: 'an unknown search parameter', send: () => send('GET', '/Patient?shoeSize=42'), statuses: [400] },
      { name: 'a NUL in a search value', send: () => send('GET', '/Patient?name=a%00b'), statuses: [400] },
      { name: 'a 5,000-character search value', send: () => send('GET', `/Patient?name=${'z'.repeat(5_000)}`), statuses: [400] },
      { name: 'a date with an unknown prefix', send: () => send('GET', '/Appointment?date=xx2030-01-01'), statuses: [400] },
      { name: 'a Slot search without a schedule', send: () => send('GET', '/Slot?status=free'), statuses: [400] },
      // Paths, tokens and formats.
      { name: 'a NUL in an id', send: () => send('GET', '/Patient/ab%00cd'), statuses: [400, 404] },
      { name: 'an id longer than FHIR allows', send: () => send('GET', `/Patient/${'a'.repeat(65)}`), statuses: [400, 404] },
      { name: 'a resource type nobody serves', send: () => send('GET', '/Spaceship/1'), statuses: [400, 404] },
      { name: 'no token', send: () => send('GET', '/Patient', { token: '' }), statuses: [401] },
      { name: 'a forged token', send: () => send('GET', '/Patient', { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }), statuses: [401] },
      { name: 'XML asked for', send: () => send('GET', `/Patient/${otherId}`, { headers: { accept: 'application/fhir+xml' } }), statuses: [406] },
      // A patient user and another patient's record: 404 as if it did not exist (issue 21).
      { name: "a patient reading another patient's record", send: () => asPatient('GET', `/Patient/${otherId}`), statuses: [404] },
      { name: "a patient exporting another patient's $everything", send: () => asPatient('GET', `/Patient/${otherId}/$everything`), statuses: [403, 404] },
      {
        // Her record as staff see it, renamed: a well-formed update that only the owner may not make.
        name: "a patient updating another patient's record",
        send: async () => {
          const current = (await send('GET', `/Patient/${otherId}`)).body as Record<string, unknown>;
          await expectValidFhir(ctx.validator, current, 'Patient (as staff)');
          return asPatient('PUT', `/Patient/${otherId}`, { ...current, name: [{ family: 'Hijack', given: ['Olga'] }] });
        },
        statuses: [403, 404],
      },
      { name: "a patient deleting another patient's record", send: () => asPatient('DELETE', `/Patient/${otherId}`), statuses: [403, 404] },
      {
        // A booking that would be fine for their own record: only the patient is someone else's.
        name: 'a patient booking for another patient',
        send: () =>
          asPatient('POST', '/Appointment', {
            resourceType: 'Appointment',
            status: 'booked',
            start: freeSlot.startsAt,
            end: freeSlot.endsAt,
            participant: [
              { actor: { reference: `Patient/${otherId}` }, status: 'accepted' },
              { actor: { reference: `Practitioner/${doctorId}` }, status: 'accepted' },
            ],
          }),
        statuses: [403, 404],
      },
    ];

    it.for(cases)('$name', async ({ name, send: sendCase, statuses }) => {
      const answer = await sendCase();
      expect(answer.status, `${name}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
      expect(statuses, `${name}: status ${answer.status} ${answer.text.slice(0, 300)}`).toContain(answer.status);
      expect(answer.contentType).toMatch(/^application\/fhir\+json/);
      await validOutcome(ctx.validator, name, answer.body);
    });

    it('answers odd but well-formed requests with a resource, a Bundle or an OperationOutcome, never a 5xx', async () => {
      const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
      const patientJson = (extra: string) => `{"resourceType":"Patient","name":[{"family":"Odd"}],"telecom":[{"system":"email","value":"odd-${Date.now()}@e2e.example"}],"birthDate":"1970-01-01"${extra}}`;
      const requests: [method: string, path: string, body?: string][] = [
        ['GET', '/Appointment?date=ge0001-01-01'],
        ['GET', '/Appointment?date=lt9999-12-31T23:59:59Z'],
        ['GET', '/Patient?birthdate=eq0000'],
        ['GET', `/Slot?schedule=Schedule/${doctorId}&start=ge9999-01-01`],
        ['GET', '/Patient?_count=100000'],
        ['GET', '/Patient?_count=-1'],
        ['GET', '/Patient?_offset=99999999999999999999'],
        ['GET', '/Patient?name=%F0%9F%A9%BA%E2%80%AE'],
        ['GET', '/Patient?email=%27%3B%20drop%20table%20patients%3B--'],
        // Bodies a JSON parser or a schema walker could choke on.
        ['POST', '/Patient', patientJson(`,"extension":${deep}`)],
        ['POST', '/Patient', patientJson(',"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}')],
        ['POST', '/Patient', patientJson('').replace('"Odd"', '"Odd\\ud800"')],
      ];
      // Every request is tried and every failure reported, not only the first.
      const problems: string[] = [];
      for (const [method, path, body] of requests) {
        const what = `${method} ${path}${body ? ` ${body.slice(0, 80)}…` : ''}`;
        const answer = await send(method, path, { body });
        if (answer.status >= 500) problems.push(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
        else if (answer.status < 300) await expectValidFhir(ctx.validator, answer.body, what).catch((error: Error) => problems.push(error.message));
        else await validOutcome(ctx.validator, what, answer.body).catch((error: Error) => problems.push(error.message));
      }
      expect(problems).toEqual([]);
    });

    it("finds none of another patient's appointments, invoices or messages for a patient user", async () => {
      for (const path of [`/Appointment?patient=Patient/${otherId}`, `/Invoice?subject=Patient/${otherId}`, `/Communication?subject=Patient/${otherId}`]) {
        const answer = await asPatient('GET', path);
        // Refused (an OperationOutcome) or an empty searchset: either way nothing of hers shows.
        if (answer.status === 200) {
          await expectValidFhir(ctx.validator, answer.body, path);
          expect(answer.body, path).toMatchObject({ resourceType: 'Bundle', total: 0 });
        } else {
          expect([403, 404], `${path}: ${answer.status} ${answer.text.slice(0, 300)}`).toContain(answer.status);
          await validOutcome(ctx.validator, path, answer.body);
        }
      }
    });

    it('answers the same requests when they are fair: own record, own booking, own $everything, lenient search', async () => {
      const own = await asPatient('GET', `/Patient/${patient.patientId}`);
      expect(own.status).toBe(200);
      await expectValidFhir(ctx.validator, own.body, 'own Patient');
      const renamed = await asPatient('PUT', `/Patient/${patient.patientId}`, { ...(own.body as object), name: [{ family: 'Adversary', given: ['Patricia'] }] });
      expect(renamed.status, renamed.text.slice(0, 300)).toBe(200);
      await expectValidFhir(ctx.validator, renamed.body, 'own Patient updated');
      const booking = await asPatient('POST', '/Appointment', {
        resourceType: 'Appointment',
        status: 'booked',
        start: freeSlot.startsAt,
        end: freeSlot.endsAt,
        participant: [
          { actor: { reference: `Patient/${patient.patientId}` }, status: 'accepted' },
          { actor: { reference: `Practitioner/${doctorId}` }, status: 'accepted' },
        ],
      });
      expect(booking.status, booking.text.slice(0, 300)).toBe(201);
      await expectValidFhir(ctx.validator, booking.body, 'own booking');
      const everything = await asPatient('GET', `/Patient/${patient.patientId}/$everything`);
      expect(everything.status).toBe(200);
      await expectValidFhir(ctx.validator, everything.body, 'own $everything');
      const lenient = await send('GET', '/Patient?shoeSize=42&_count=1', { headers: { prefer: 'handling=lenient' } });
      expect(lenient.status).toBe(200);
      await expectValidFhir(ctx.validator, lenient.body, 'lenient search');
      expect((lenient.body as Bundle).type).toBe('searchset');
    });
  });
}
