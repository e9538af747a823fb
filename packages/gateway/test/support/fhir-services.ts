import type { Appointment, Invoice, Patient } from '@medplum/fhirtypes';
import { createService, notFound, preconditionFailed, principalOf, type ServiceInstance, type TokenKeySource } from '@pms/platform';
import { fhirBasePath, fhirResource, metaOf, registerFhir } from '@pms/platform/fhir';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * Small FHIR services built like the real ones (createService, registerFhir, their own token
 * checks) over in-memory data: the gateway's routing, metadata and $everything are tested
 * against platform's real FHIR plumbing without the services' databases.
 */
export interface FhirStub {
  app: ServiceInstance;
  url: string;
  /** Paths asked of this service, in order. */
  seen: string[];
  close(): Promise<void>;
}

async function startFhirStub(name: string, keys: TokenKeySource, resources: Parameters<typeof registerFhir>[2]): Promise<FhirStub> {
  const seen: string[] = [];
  const app = await createService({
    name,
    logLevel: 'silent',
    authentication: { keys, issuer: 'pms-auth', audience: 'pms', protectedPrefix: ['/api', `${fhirBasePath}/`], publicPaths: [`${fhirBasePath}/metadata`] },
  });
  app.addHook('onRequest', (request, _reply, done) => {
    seen.push(request.url);
    done();
  });
  await registerFhir(app, { name, version: '0.0.1' }, resources);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, seen, close: () => app.close() };
}

export interface StubPatient {
  id: string;
  family: string;
  /** The patient user who owns the record. */
  ownerUserId: string;
  version: number;
}

/** Patient: read (a patient user only their own record, others 404), update with If-Match. */
export function startPatientStub(keys: TokenKeySource, patients: StubPatient[]) {
  const toFhir = (patient: StubPatient): Patient => ({
    resourceType: 'Patient',
    id: patient.id,
    meta: metaOf(patient.version, new Date('2025-01-01T00:00:00Z')),
    name: [{ family: patient.family }],
  });
  const find = (principal: { role: string; userId: string }, id: string) => {
    const patient = patients.find((candidate) => candidate.id === id);
    if (!patient || (principal.role === 'patient' && patient.ownerUserId !== principal.userId)) throw notFound(`Patient ${id} not found`);
    return patient;
  };
  return startFhirStub('patient', keys, [
    fhirResource({
      type: 'Patient',
      input: z.looseObject({ resourceType: z.literal('Patient'), name: z.array(z.object({ family: z.string() })) }),
      read: async (request, id) => toFhir(find(principalOf(request), id)),
      update: async (request, id, input, expectedVersion) => {
        const patient = find(principalOf(request), id);
        if (expectedVersion !== undefined && expectedVersion !== patient.version) throw preconditionFailed(`Patient ${id} is at version ${patient.version}`);
        Object.assign(patient, { family: input.name[0]!.family, version: patient.version + 1 });
        return toFhir(patient);
      },
      operations: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
    }),
  ]);
}

/** Appointment: search by `patient`, `count` bookings per patient id. */
export function startAppointmentStub(keys: TokenKeySource, count: number) {
  return startFhirStub('appointment', keys, [
    fhirResource({
      type: 'Appointment',
      searchParams: { patient: { type: 'reference', description: 'The patient', target: ['Patient'] } },
      search: async (_request, search) => {
        const patientId = search.referenceId('patient', 'Patient');
        const all = Array.from({ length: patientId ? count : 0 }, (_, index): Appointment => ({
          resourceType: 'Appointment',
          id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
          status: 'booked',
          start: '2025-03-01T09:00:00Z',
          end: '2025-03-01T09:30:00Z',
          participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }],
        }));
        return { resources: all.slice(search.offset, search.offset + search.count), total: all.length };
      },
    }),
  ]);
}

/** Invoice: search by `subject`, one invoice per patient id. */
export function startBillingStub(keys: TokenKeySource) {
  return startFhirStub('billing', keys, [
    fhirResource({
      type: 'Invoice',
      searchParams: { subject: { type: 'reference', description: 'The patient', target: ['Patient'] } },
      search: async (_request, search) => {
        const patientId = search.referenceId('subject', 'Patient');
        const invoice: Invoice = { resourceType: 'Invoice', id: randomUUID(), status: 'issued', subject: { reference: `Patient/${patientId}` } };
        return { resources: [invoice], total: 1 };
      },
    }),
  ]);
}
