import { randomBytes } from 'node:crypto';
import type { Appointment, Bundle, CapabilityStatement, Location, Patient, ResourceType, Schedule, Slot } from '@medplum/fhirtypes';
import { demoDefaults } from '@pms/devstack';
import { sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, type GatewayClient } from '../src/client.js';
import { eventually } from '../src/eventually.js';
import { asBody, checkedFhirClient, entriesOf, type CheckedFhirClient } from '../src/fhir.js';
import { startTestSystem, type TestSystem } from '../src/system.js';
import { describeFhirAdversarial } from './fhir-adversarial.js';

// Issue 21: software we did not write talks to ours. fhir-kit-client (an npm FHIR client) drives
// a front desk's day through the gateway, and HAPI FHIR's validator (HL7's reference validation)
// checks every resource, Bundle and OperationOutcome it gets back. The system is the whole one,
// as `npm start` runs it; the JSON API only sets up what FHIR does not create (doctor, hours).
let running: TestSystem;
let validator: FhirValidator;
let api: GatewayClient;
let admin: string;
let fhir: CheckedFhirClient;


beforeAll(async () => {
  // The JVM and the services start side by side: neither waits on the other.
  [running, validator] = await Promise.all([
    startTestSystem('e2efhir', { UPSTREAM_TIMEOUT_MS: '20000' }),
    sharedFhirValidator(),
  ]);
  api = gatewayClient(running.system.gatewayUrl, 30_000);
  admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
  fhir = checkedFhirClient(running.system.gatewayUrl, validator, admin);
});

afterAll(() => running?.stop());

/** Letters only, so the name is a word the name search can match and nobody else has. */
const uniqueWord = () => [...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
const dayMs = 86_400_000;
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * dayMs).toISOString().slice(0, 10);

describe('a FHIR client books and cancels through the gateway', () => {
  const surname = `Kitclient${uniqueWord()}`;
  let patientId: string;
  let doctorId: string;
  let slot: Slot;
  let appointment: Appointment;
  // Tomorrow (UTC): the doctor's hours below cover it whole, and no slot of it has begun.
  const window = { from: `${utcDay(1)}T00:00:00Z`, to: `${utcDay(2)}T00:00:00Z` };
  const freeSlotsTomorrow = () =>
    fhir.ok<Bundle>(
      'GET Slot?status=free',
      fhir.client.search({
        resourceType: 'Slot',
        searchParams: { schedule: `Schedule/${doctorId}`, status: 'free', start: [`ge${window.from}`, `lt${window.to}`] },
      }),
    );

  it('the clinic has a doctor with hours and a patient on record (JSON API)', async () => {
    const doctor = await api.post('/api/doctors', { name: `Dr. ${surname}`, email: `${surname.toLowerCase()}@e2e.example`, specialty: 'CARDIOLOGY' }, admin);
    expect(doctor.status).toBe(201);
    doctorId = doctor.body.id;
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
    expect((await api.put(`/api/doctors/${doctorId}/schedule`, { timeZone: 'Europe/Berlin', slotMinutes: 30, hours }, admin)).status).toBe(200);
    const patient = await api.post('/api/patients', { name: `Ada ${surname}`, email: `ada-${surname.toLowerCase()}@e2e.example`, dateOfBirth: '1979-05-06' }, admin);
    expect(patient.status).toBe(201);
    patientId = patient.body.id;
  });

  it('reads the CapabilityStatement without a token: every resource the issue names, with its interactions', async () => {
    const anonymous = checkedFhirClient(running.system.gatewayUrl, validator);
    const statement = await anonymous.ok<CapabilityStatement>('GET metadata', anonymous.client.capabilityStatement());
    expect(statement.fhirVersion).toBe('4.0.1');
    const resources = new Map((statement.rest?.[0]?.resource ?? []).map((r) => [r.type, r]));
    const interactionsOf = (type: ResourceType) => resources.get(type)?.interaction?.map((i) => i.code) ?? [];
    const paramsOf = (type: ResourceType) => resources.get(type)?.searchParam?.map((p) => p.name) ?? [];
    expect([...resources.keys()].sort()).toEqual(
      expect.arrayContaining(['Appointment', 'Communication', 'Device', 'Invoice', 'Location', 'Patient', 'Practitioner', 'PractitionerRole', 'Schedule', 'Slot']),
    );
    expect(interactionsOf('Patient')).toEqual(expect.arrayContaining(['read', 'search-type', 'create', 'update', 'delete']));
    expect(interactionsOf('Appointment')).toEqual(expect.arrayContaining(['read', 'search-type', 'create', 'update']));
    expect(paramsOf('Slot')).toEqual(expect.arrayContaining(['schedule', 'start', 'status']));
    expect(resources.get('Patient')?.operation?.map((o) => o.name)).toContain('everything');
  });

  it('finds the patient by name and birthdate', async () => {
    const bundle = await fhir.ok<Bundle>(
      'GET Patient?name&birthdate',
      fhir.client.search({ resourceType: 'Patient', searchParams: { name: surname, birthdate: 'eq1979-05-06' } }),
    );
    expect(bundle).toMatchObject({ type: 'searchset', total: 1 });
    expect(bundle.link?.find((link) => link.relation === 'self')?.url).toContain('/fhir/R4/Patient?');
    expect(entriesOf<Patient>(bundle, 'Patient').map((p) => p.id)).toEqual([patientId]);
    const none = await fhir.ok<Bundle>('GET Patient?birthdate=gt', fhir.client.search({ resourceType: 'Patient', searchParams: { name: surname, birthdate: 'gt1979-05-06' } }));
    expect(none.total).toBe(0);
  });

  it("finds the doctor's Schedule and its free Slots tomorrow", async () => {
    const schedules = await fhir.ok<Bundle>('GET Schedule?actor', fhir.client.search({ resourceType: 'Schedule', searchParams: { actor: `Practitioner/${doctorId}` } }));
    const [schedule] = entriesOf<Schedule>(schedules, 'Schedule');
    expect(schedule?.actor?.[0]?.reference).toBe(`Practitioner/${doctorId}`);
    const slots = entriesOf<Slot>(await freeSlotsTomorrow(), 'Slot');
    expect(slots.length).toBeGreaterThan(2);
    for (const free of slots) {
      expect(free).toMatchObject({ status: 'free', schedule: { reference: `Schedule/${schedule!.id}` } });
      expect(Date.parse(free.start) >= Date.parse(window.from) && Date.parse(free.start) < Date.parse(window.to)).toBe(true);
    }
    slot = slots[2]!;
    // A slot's id is stable and resolvable.
    expect(await fhir.ok<Slot>('GET Slot/{id}', fhir.client.read({ resourceType: 'Slot', id: slot.id! }))).toMatchObject({ id: slot.id, status: 'free' });
  });

  it('reads the Location the doctor’s hours are held at (the Schedule’s second actor) through the gateway', async () => {
    const schedule = await fhir.ok<Schedule>('GET Schedule/{id}', fhir.client.read({ resourceType: 'Schedule', id: doctorId }));
    const [, where] = schedule.actor;
    expect(where?.reference).toMatch(/^Location\//);
    const location = await fhir.ok<Location>('GET Location/{id}', fhir.client.read({ resourceType: 'Location', id: where!.reference!.slice('Location/'.length) }));
    expect(location).toMatchObject({ resourceType: 'Location', physicalType: { coding: [{ code: 'si' }] } });
  });

  const booking = (): Appointment => ({
    resourceType: 'Appointment',
    status: 'booked',
    slot: [{ reference: `Slot/${slot.id}` }],
    start: slot.start,
    end: slot.end,
    participant: [
      { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${doctorId}` }, status: 'accepted' },
    ],
  });

  it('books the slot: an Appointment, booked, for the patient and the doctor', async () => {
    appointment = await fhir.ok<Appointment>('POST Appointment', fhir.client.create({ resourceType: 'Appointment', body: asBody(booking()) }));
    expect(appointment).toMatchObject({ status: 'booked', start: slot.start, end: slot.end });
    expect(appointment.participant.map((p) => p.actor?.reference).sort()).toEqual([`Patient/${patientId}`, `Practitioner/${doctorId}`].sort());
    expect(appointment.meta?.versionId).toBeTruthy();
  });

  it('booking the same slot again is 409 with an OperationOutcome', async () => {
    const outcome = await fhir.refused('POST Appointment (taken slot)', fhir.client.create({ resourceType: 'Appointment', body: asBody(booking()) }), [409]);
    expect(outcome.issue[0]?.code).toBe('conflict');
    await eventually('the slot busy', async () => {
      const read = await fhir.ok<Slot>('GET Slot/{id}', fhir.client.read({ resourceType: 'Slot', id: slot.id! }));
      return read.status === 'busy' ? read : undefined;
    });
  });

  it('cancelling (status cancelled) frees the slot again', async () => {
    const current = await fhir.ok<Appointment>('GET Appointment/{id}', fhir.client.read({ resourceType: 'Appointment', id: appointment.id! }));
    const cancelled = await fhir.ok<Appointment>(
      'PUT Appointment/{id} (cancelled)',
      fhir.client.update({
        resourceType: 'Appointment',
        id: appointment.id!,
        body: asBody({ ...current, status: 'cancelled' }),
        options: { headers: { 'if-match': `W/"${current.meta?.versionId}"` } },
      }),
    );
    expect(cancelled.status).toBe('cancelled');
    await eventually('the slot free again', async () => {
      const free = entriesOf<Slot>(await freeSlotsTomorrow(), 'Slot');
      return free.some((one) => one.id === slot.id) ? true : undefined;
    });
  });

  it("$everything holds the patient's record, appointment, invoice and messages in one Bundle", async () => {
    // Billing and notification learn of the booking from events: the Bundle fills within seconds.
    const everything = await eventually('$everything with an invoice and a communication', async () => {
      const bundle = await fhir.ok<Bundle>('GET Patient/{id}/$everything', fhir.client.operation({ name: '$everything', resourceType: 'Patient', id: patientId, method: 'GET' }));
      const types = new Set(bundle.entry?.map((entry) => entry.resource?.resourceType));
      return types.has('Invoice') && types.has('Communication') ? bundle : undefined;
    }, 60_000);
    expect(entriesOf<Patient>(everything, 'Patient').map((p) => p.id)).toEqual([patientId]);
    expect(entriesOf<Appointment>(everything, 'Appointment')).toEqual([expect.objectContaining({ id: appointment.id, status: 'cancelled' })]);
  });
});

// The adversarial cases share this file's system (a second one would double the run's cost).
describeFhirAdversarial(() => ({ gatewayUrl: running.system.gatewayUrl, api, validator, admin, smtpApiUrl: inject('smtpApiUrl') }));
