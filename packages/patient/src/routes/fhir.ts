import { actorOf } from '@pms/platform';
import { fhirResource } from '@pms/platform/fhir';
import type { PatientContext } from '../domain/context.js';
import { createPatient, deletePatient, readPatientAsIs, searchPatients, updatePatient } from '../domain/patients.js';
import { criteriaOf, FhirPatientInput, patientSearchParams, toFhirPatient } from '../fhir/patient-mapping.js';

/**
 * FHIR R4 `Patient` (issue 21): the same domain functions as /api/patients, so the same roles,
 * the same patient-user scope (another's record is 404) and the same audit entries.
 * `$everything` is listed here and composed by the gateway from every service's searches.
 */
export function patientFhir(ctx: PatientContext) {
  return fhirResource({
    type: 'Patient',
    input: FhirPatientInput,
    searchParams: patientSearchParams,
    operations: [
      {
        name: 'everything',
        definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
        documentation: 'The patient with their appointments, invoices and communications (through the gateway)',
      },
    ],
    read: async (request, id) => toFhirPatient(await readPatientAsIs(ctx, actorOf(request), id)),
    search: async (request, search) => {
      const page = { limit: search.count, offset: search.offset };
      const { records, total } = await searchPatients(ctx, actorOf(request), criteriaOf(search), page);
      return { resources: records.map(toFhirPatient), total };
    },
    create: async (request, input) => toFhirPatient((await createPatient(ctx, actorOf(request), input)).patient),
    update: async (request, id, input, expectedVersion) => toFhirPatient(await updatePatient(ctx, actorOf(request), id, input, expectedVersion)),
    delete: (request, id) => deletePatient(ctx, actorOf(request), id),
  });
}
