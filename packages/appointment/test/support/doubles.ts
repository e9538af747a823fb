import { doctorGrpc, patientGrpc, type Specialty } from '@pms/contracts';
import { notFound, startGrpcServer, unary, type GrpcServerHandle } from '@pms/platform';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** How the doctor double answers CheckAvailability for one doctor. */
export type DoctorAnswer = 'available' | 'UNKNOWN_DOCTOR' | 'INACTIVE' | 'OUTSIDE_SCHEDULE' | 'OUTSIDE_OPENING_HOURS' | 'TIME_OFF';

interface DoctorEntry {
  doctor: doctorGrpc.Doctor;
  answer: DoctorAnswer;
  slow: boolean;
  /** The rooms and devices at the doctor's location (answered when they fit what is asked). */
  resources: doctorGrpc.ResourceCandidate[];
  locationId: string;
}

export interface SeenCall {
  method: string;
  requestId: string;
  request: unknown;
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** Waits far past any deadline, but lets the server shut down when the caller gives up. */
const stall = (signal: AbortSignal) => sleep(10_000, undefined, { signal }).catch(() => undefined);

/**
 * Test doubles of patient and doctor, implementing the generated server interfaces on real
 * grpc-js servers. Each test registers its own patients and doctors (unique ids).
 */
export class PeerDoubles {
  readonly patients = new Map<string, { patient: patientGrpc.Patient; slow: boolean }>();
  readonly doctors = new Map<string, DoctorEntry>();
  readonly calls: SeenCall[] = [];
  private servers: GrpcServerHandle[] = [];
  patientUrl = '';
  doctorUrl = '';

  async start(): Promise<this> {
    const patientServer = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      shutdownTimeoutMs: 200,
      services: [{ definition: patientGrpc.PatientServiceService, implementation: this.patientService() }],
    });
    const doctorServer = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      shutdownTimeoutMs: 200,
      services: [{ definition: doctorGrpc.DoctorServiceService, implementation: this.doctorService() }],
    });
    this.servers = [patientServer, doctorServer];
    this.patientUrl = `127.0.0.1:${patientServer.port}`;
    this.doctorUrl = `127.0.0.1:${doctorServer.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
  }

  /** A patient record; `ownerUserId` links it to a patient user. */
  addPatient(options: { ownerUserId?: string; slow?: boolean } = {}): patientGrpc.Patient {
    const id = randomUUID();
    const patient: patientGrpc.Patient = {
      id,
      name: `Patient ${id.slice(0, 8)}`,
      email: `patient-${id}@example.com`,
      phone: '+49 30 1234567',
      dateOfBirth: '1980-04-01',
      ownerUserId: options.ownerUserId ?? '',
      registeredAt: new Date().toISOString(),
      address: '',
    };
    this.patients.set(id, { patient, slow: options.slow ?? false });
    return patient;
  }

  addDoctor(
    options: { answer?: DoctorAnswer; slow?: boolean; specialty?: Specialty; resources?: doctorGrpc.ResourceCandidate[]; locationId?: string } = {},
  ): doctorGrpc.Doctor {
    const id = randomUUID();
    const doctor: doctorGrpc.Doctor = {
      id,
      name: `Dr. ${id.slice(0, 8)}`,
      email: `doctor-${id}@example.com`,
      phone: '',
      specialty: options.specialty ?? 'CARDIOLOGY',
      active: options.answer !== 'INACTIVE',
      timeZone: 'Europe/Berlin',
    };
    this.doctors.set(id, {
      doctor,
      answer: options.answer ?? 'available',
      slow: options.slow ?? false,
      resources: options.resources ?? [],
      locationId: options.locationId ?? '',
    });
    return doctor;
  }

  callsFor(method: string, id: string): SeenCall[] {
    return this.calls.filter(
      (call) => call.method.endsWith(method) && JSON.stringify(call.request).includes(id),
    );
  }

  private patientService(): patientGrpc.PatientServiceServer {
    return {
      getPatient: unary(async (request, context) => {
        this.calls.push({ method: context.method, requestId: context.requestId, request });
        const entry = this.patients.get(request.id);
        if (entry?.slow) await stall(context.signal);
        if (!entry) throw notFound(`Patient ${request.id} not found`, 'PATIENT_NOT_FOUND');
        return { patient: entry.patient };
      }),
    };
  }

  private doctorService(): doctorGrpc.DoctorServiceServer {
    return {
      getDoctor: unary(async (request) => {
        const entry = this.doctors.get(request.id);
        if (!entry) throw notFound(`Doctor ${request.id} not found`, 'DOCTOR_NOT_FOUND');
        return { doctor: entry.doctor };
      }),
      checkAvailability: unary(async (request, context) => {
        this.calls.push({ method: context.method, requestId: context.requestId, request });
        const entry = this.doctors.get(request.doctorId);
        if (entry?.slow) await stall(context.signal);
        if (!entry) throw notFound(`Doctor ${request.doctorId} not found`, 'DOCTOR_NOT_FOUND');
        const none = { location: undefined, candidates: [] };
        if (entry.answer === 'UNKNOWN_DOCTOR') return { available: false, reason: 'UNKNOWN_DOCTOR', doctor: undefined, ...none };
        if (entry.answer !== 'available') return { available: false, reason: entry.answer, doctor: entry.doctor, ...none };
        // Like doctor: what fits any requirement asked; NO_RESOURCE when one has nothing at all.
        const fitting = (need: doctorGrpc.ResourceRequirement) => (c: doctorGrpc.ResourceCandidate) => c.category === need.category && c.kind === need.kind;
        const candidates = entry.resources.filter((c) => request.required.some((need) => fitting(need)(c)));
        if (request.required.some((need) => !candidates.some(fitting(need)))) return { available: false, reason: 'NO_RESOURCE', doctor: entry.doctor, ...none };
        const location = entry.locationId ? { id: entry.locationId, timeZone: entry.doctor.timeZone } : undefined;
        return { available: true, reason: '', doctor: entry.doctor, location, candidates };
      }),
    };
  }
}
