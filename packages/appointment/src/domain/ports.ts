import type { ResourceCategory, ResourceRequirement, Specialty } from '@pms/contracts';

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

/** A room or device doctor says fits a requirement at the doctor's location then (free of maintenance). */
export interface ResourceCandidate {
  id: string;
  name: string;
  category: ResourceCategory;
  kind: string;
  capacity: number;
}

export type Availability =
  | {
      available: true;
      doctor: DoctorSummary;
      /** The working-hours block's location; null: the default location. */
      locationId: string | null;
      /** For the requirements asked (none asked: empty). */
      candidates: ResourceCandidate[];
    }
  /** reason: UNKNOWN_DOCTOR, INACTIVE, OUTSIDE_SCHEDULE, OUTSIDE_OPENING_HOURS, TIME_OFF, NO_RESOURCE (or a newer one doctor adds). */
  | { available: false; reason: string };

export interface AvailabilityQuery {
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
  /** Rooms and devices the visit needs; the answer lists the candidates. */
  required?: ResourceRequirement[];
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
