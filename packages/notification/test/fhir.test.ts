import type { Bundle, CapabilityStatement, Communication, OperationOutcome } from '@medplum/fhirtypes';
import { topics, type EventData } from '@pms/contracts';
import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import type { Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { bearer, booking, connectProducer, envelope, issuer, publish, startTestApp, uniqueEmail, type TestApp } from './support.js';

let service: TestApp;
let producer: Producer;
let validator: FhirValidator;

beforeAll(async () => {
  [service, validator] = await Promise.all([startTestApp({ smtp: { host: inject('smtpHost'), port: inject('smtpPort') } }), sharedFhirValidator()]);
  producer = await connectProducer(service.kafka);
});
afterAll(async () => {
  await producer?.disconnect();
  await service?.close();
});

type Headers = Record<string, string>;
const staff = bearer('staff');
const patientUser = (userId: string) => ({ authorization: `Bearer ${issuer.token({ role: 'patient', sub: userId })}` });

/** A FHIR read or search; every answer (Communication, Bundle, OperationOutcome) is checked by HAPI's validator: 0 errors. */
async function fhir<T = Bundle<Communication>>(url: string, status = 200, headers: Headers = staff) {
  const response = await service.app.inject({ method: 'GET', url: `/fhir/R4/${url}`, headers });
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
  await expectValidFhir(validator, response.json(), `GET ${url} (${response.statusCode})`);
  return response.json() as T;
}
const resources = (bundle: Bundle<Communication>) => (bundle.entry ?? []).map((entry) => entry.resource!);

const patientSnapshot = (patientId: string, ownerUserId: string | null): EventData<'PatientCreated'> => ({
  patientId,
  name: 'Ann Smith',
  email: uniqueEmail('ann'),
  phone: null,
  address: null,
  dateOfBirth: '1980-04-01',
  ownerUserId,
  registeredAt: new Date().toISOString(),
});

/** A patient (owned by `ownerUserId`) welcomed and booked, as patient and appointment announce them; waits until both emails are sent. */
async function patientWithMessages(ownerUserId: string | null) {
  const patient = patientSnapshot(randomUUID(), ownerUserId);
  await publish(producer, topics.patient, patient.patientId, envelope('PatientCreated', patient.patientId, patient));
  const booked = booking({ patientId: patient.patientId, patient: { name: patient.name, email: patient.email } });
  await publish(producer, topics.appointment, booked.appointmentId, envelope('AppointmentBooked', booked.appointmentId, booked));
  const sent = await vi.waitFor(
    async () => {
      const found = resources(await fhir(`Communication?subject=Patient/${patient.patientId}`));
      expect(found.map((communication) => communication.status)).toEqual(['completed', 'completed']);
      return found;
    },
    { timeout: 20_000 },
  );
  return { patient, sent };
}

describe('Communication over FHIR', () => {
  it('declares read and search by subject in a public CapabilityStatement and in /openapi.json', async () => {
    const statement = await fhir<CapabilityStatement>('metadata', 200, {});
    const [declared] = statement.rest?.[0]?.resource ?? [];
    expect(declared).toMatchObject({ type: 'Communication', interaction: [{ code: 'read' }, { code: 'search-type' }] });
    expect(declared?.searchParam?.map((param) => param.name)).toEqual(['subject']);
    const openapi = (await service.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/fhir/R4/Communication', '/fhir/R4/Communication/{id}']));
  });

  it('maps the log: each message about the patient, newest first, sent by email, with its subject line and text', async () => {
    const { patient, sent } = await patientWithMessages(null);
    const [bookingMail, welcome] = sent;
    expect(bookingMail).toMatchObject({
      resourceType: 'Communication',
      status: 'completed',
      subject: { reference: `Patient/${patient.patientId}` },
      recipient: [{ reference: `Patient/${patient.patientId}`, display: patient.email }],
      category: [{ coding: [{ code: 'notification' }] }],
      medium: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'EMAILWRIT' }] }],
      reasonCode: [{ text: 'AppointmentBooked' }],
      topic: { text: expect.stringContaining('Appointment confirmed') },
      payload: [{ contentString: expect.stringContaining('Dear Ann Smith') }],
      sent: expect.stringMatching(/Z$/),
    });
    expect(welcome?.reasonCode?.[0]?.text).toBe('PatientCreated');
    expect(await fhir<Communication>(`Communication/${bookingMail!.id}`)).toEqual(bookingMail);

    const paged = await fhir(`Communication?subject=${patient.patientId}&_count=1`);
    expect([paged.total, resources(paged).map((one) => one.id)]).toEqual([2, [bookingMail!.id]]);
    expect((await fhir(`Communication?subject=Patient/${randomUUID()}`)).total).toBe(0);
    expect((await fhir('Communication?subject=Patient/not-ours')).total).toBe(0);
    // A reference to another type is refused, never read as a patient id.
    const wrongType = await fhir<OperationOutcome>(`Communication?subject=Practitioner/${patient.patientId}`, 400);
    expect(wrongType.issue[0]?.expression).toEqual(['subject']);
    await fhir<OperationOutcome>(`Communication/${randomUUID()}`, 404);
  });

  it('refuses unknown search parameters unless lenient; doctors see no communications (403); no token is 401', async () => {
    const refused = await fhir<OperationOutcome>('Communication?recipient=x', 400);
    expect(refused.issue[0]?.expression).toEqual(['recipient']);
    const lenient = await service.app.inject({ url: '/fhir/R4/Communication?recipient=x&_count=0', headers: { ...staff, prefer: 'handling=lenient' } });
    expect(lenient.statusCode).toBe(200);
    await expectValidFhir(validator, lenient.json());
    expect((await fhir<OperationOutcome>('Communication', 403, bearer('doctor'))).issue[0]?.code).toBe('forbidden');
    await fhir<OperationOutcome>('Communication', 401, {});
  });

  it('shows a patient user the messages about their own record only, until the record is deleted', async () => {
    const userId = randomUUID();
    const own = await patientWithMessages(userId);
    const other = await patientWithMessages(randomUUID());
    const manual = await service.app.inject({
      method: 'POST',
      url: '/api/notifications/email',
      headers: staff,
      payload: { to: own.patient.email, subject: 'Hello', text: 'By hand' },
    });
    expect(manual.statusCode).toBe(202);
    const me = patientUser(userId);

    expect(resources(await fhir(`Communication?subject=Patient/${own.patient.patientId}`, 200, me)).map((one) => one.id)).toEqual(own.sent.map((one) => one.id));
    // Without a subject: everything about the records they own.
    expect((await fhir('Communication', 200, me)).total).toBe(2);
    expect((await fhir(`Communication?subject=Patient/${other.patient.patientId}`, 200, me)).total).toBe(0);
    expect((await fhir<Communication>(`Communication/${own.sent[0]!.id}`, 200, me)).id).toBe(own.sent[0]!.id);
    await fhir<OperationOutcome>(`Communication/${other.sent[0]!.id}`, 404, me);
    // A message sent by hand names no patient: staff see it, the patient user does not.
    const manualId = (manual.json() as { id: string }).id;
    expect((await fhir<Communication>(`Communication/${manualId}`)).subject).toBeUndefined();
    await fhir<OperationOutcome>(`Communication/${manualId}`, 404, me);

    await publish(producer, topics.patient, own.patient.patientId, envelope('PatientDeleted', own.patient.patientId, { patientId: own.patient.patientId }));
    await vi.waitFor(async () => expect((await fhir('Communication', 200, me)).total).toBe(0), { timeout: 20_000 });
  });
});
