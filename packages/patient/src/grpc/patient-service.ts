import type { patientGrpc } from '@pms/contracts';
import { unary } from '@pms/platform';
import type { Database } from '../db/database.js';
import { findPatientSummary } from '../domain/patients.js';

/** patient.v1.PatientService: proto strings have no null, so absent values travel as ''. */
export function patientService(db: Database): patientGrpc.PatientServiceServer {
  return {
    getPatient: unary(async (request) => {
      const patient = await findPatientSummary(db, request.id);
      return {
        patient: {
          id: patient.id,
          name: patient.name,
          email: patient.email,
          phone: patient.phone ?? '',
          address: patient.address ?? '',
          dateOfBirth: patient.dateOfBirth,
          ownerUserId: patient.ownerUserId ?? '',
          registeredAt: patient.registeredAt,
        },
      };
    }),
  };
}
