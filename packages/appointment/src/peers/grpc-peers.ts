import { doctorGrpc, patientGrpc, ResourceCategory, Specialty, uuid } from '@pms/contracts';
import { AppError, createGrpcClient, isAppError, type GrpcClient } from '@pms/platform';
import { z } from 'zod';
import type { Availability, DoctorSummary, PatientSummary, Peers } from '../domain/ports.js';

export type PatientClient = GrpcClient<patientGrpc.PatientServiceService>;
export type DoctorClient = GrpcClient<doctorGrpc.DoctorServiceService>;

export interface PeerAddresses {
  patientUrl: string;
  doctorUrl: string;
  deadlineMs: number;
}

export function createPeerClients(addresses: PeerAddresses): { patients: PatientClient; doctors: DoctorClient } {
  const { deadlineMs } = addresses;
  return {
    patients: createGrpcClient(patientGrpc.PatientServiceClient, addresses.patientUrl, { peerName: 'patient', deadlineMs }),
    doctors: createGrpcClient(doctorGrpc.DoctorServiceClient, addresses.doctorUrl, { peerName: 'doctor', deadlineMs }),
  };
}

// Peers' answers are validated like any other input: what we store goes into events whose
// schemas demand a real email and a known specialty.
const PatientAnswer = z.object({
  id: uuid,
  name: z.string().min(1),
  email: z.email(),
  ownerUserId: z.string().transform((value) => value || null),
});
const DoctorAnswer = z.object({
  id: uuid,
  name: z.string().min(1),
  specialty: z.string().transform((value) => value.toUpperCase()).pipe(Specialty),
  timeZone: z.string().min(1),
});

const CandidatesAnswer = z.array(
  z.object({ id: uuid, name: z.string().min(1), category: ResourceCategory, kind: z.string().min(1), capacity: z.number().int().min(1) }),
);

function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, peer: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('INTERNAL', `${peer} answered with an invalid record: ${z.prettifyError(parsed.error)}`, 'DEPENDENCY_FAILED');
}

const isNotFound = (error: unknown) => isAppError(error) && error.kind === 'NOT_FOUND';

/** The domain's Peers over gRPC: NOT_FOUND becomes "no such record", down or slow a 503. */
export function grpcPeers(patients: PatientClient, doctors: DoctorClient): Peers {
  return {
    async getPatient(id, requestId): Promise<PatientSummary | undefined> {
      try {
        const { patient } = await patients.call('getPatient', { id }, { requestId });
        return parseAnswer(PatientAnswer, patient, 'patient');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async getDoctor(id, requestId): Promise<DoctorSummary | undefined> {
      try {
        const { doctor } = await doctors.call('getDoctor', { id }, { requestId });
        return parseAnswer(DoctorAnswer, doctor, 'doctor');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async checkAvailability({ doctorId, startsAt, endsAt, required = [] }, requestId): Promise<Availability> {
      try {
        const answer = await doctors.call(
          'checkAvailability',
          { doctorId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), required },
          { requestId },
        );
        if (!answer.available) return { available: false, reason: answer.reason || 'UNAVAILABLE' };
        const doctor: DoctorSummary = parseAnswer(DoctorAnswer, answer.doctor, 'doctor');
        const candidates = parseAnswer(CandidatesAnswer, answer.candidates, 'doctor');
        return { available: true, doctor, locationId: answer.location?.id || null, candidates };
      } catch (error) {
        if (isNotFound(error)) return { available: false, reason: 'UNKNOWN_DOCTOR' };
        throw error;
      }
    },
  };
}
