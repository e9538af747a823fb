import type { Specialty } from '@pms/contracts';

/** What booking needs to know about a patient (from patient.GetPatient). */
export interface PatientSummary {
  id: string;
  name: string;
  email: string;
  /** The auth user who owns the record; null while unlinked. */
  ownerUserId: string | null;
}

/** What booking needs to know about a doctor (from doctor.CheckAvailability). */
export interface DoctorSummary {
  id: string;
  name: string;
  specialty: Specialty;
  timeZone: string;
}

export type Availability =
  | { available: true; doctor: DoctorSummary }
  /** reason: UNKNOWN_DOCTOR, INACTIVE, OUTSIDE_SCHEDULE, TIME_OFF (or a newer one doctor adds). */
  | { available: false; reason: string };

export interface AvailabilityQuery {
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The other services booking asks, behind an interface so the domain stays free of gRPC.
 * A peer that is down or slow rejects with a 503 AppError.
 */
export interface Peers {
  /** Undefined when patient has no such record. */
  getPatient(id: string, requestId: string): Promise<PatientSummary | undefined>;
  /** Undefined when doctor has no such doctor (series need the time zone before any slot check). */
  getDoctor(id: string, requestId: string): Promise<DoctorSummary | undefined>;
  /** An unknown doctor answers `{available: false, reason: 'UNKNOWN_DOCTOR'}`. */
  checkAvailability(query: AvailabilityQuery, requestId: string): Promise<Availability>;
}
