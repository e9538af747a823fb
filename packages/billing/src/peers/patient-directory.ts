import { patientGrpc } from '@pms/contracts';
import { createGrpcClient, type GrpcClient } from '@pms/platform';
import type { PatientDirectory } from '../domain/patient-directory.js';

export type PatientClient = GrpcClient<patientGrpc.PatientServiceService>;

export function createPatientClient(address: string, deadlineMs: number): PatientClient {
  return createGrpcClient(patientGrpc.PatientServiceClient, address, { peerName: 'patient', deadlineMs });
}

/** Ownership from patient.GetPatient; the platform maps NOT_FOUND to 404 and down/slow to 503. */
export function grpcPatientDirectory(client: PatientClient): PatientDirectory {
  return {
    async ownerOf(patientId, requestId) {
      const { patient } = await client.call('getPatient', { id: patientId }, { requestId, notFoundAs: 'NOT_FOUND' });
      return patient?.ownerUserId || null;
    },
  };
}
