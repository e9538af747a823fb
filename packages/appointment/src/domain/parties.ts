import { conflict, unprocessable, type Actor } from '@pms/platform/domain';
import { assertOwnsPatient } from './access.js';
import type { AppointmentsContext } from './context.js';
import type { DoctorSummary, PatientSummary, ResourceCandidate } from './ports.js';
import type { ResourceRequirement } from '@pms/contracts';

export interface Parties {
  patient: PatientSummary;
  doctor: DoctorSummary;
  /** Where the doctor works then (null: the default location). */
  locationId: string | null;
  /** Rooms and devices fitting the requirements asked, there and then. */
  candidates: ResourceCandidate[];
}

export interface PartiesQuery {
  patientId: string;
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
  /** Already fetched (ownership check of a reschedule): not asked again. */
  knownPatient?: PatientSummary;
  /** Rooms and devices the visit needs. */
  required?: ResourceRequirement[];
}

/**
 * Asks patient (does the patient exist, who owns it) and doctor (can the doctor take this
 * time) at the same time. Both answers are awaited so the error a caller sees does not
 * depend on which peer answered first: patient problems, then ownership, then doctor.
 */
export async function checkParties(ctx: AppointmentsContext, actor: Actor, query: PartiesQuery): Promise<Parties> {
  const { patientId, doctorId, startsAt, endsAt } = query;
  const [patientAnswer, availabilityAnswer] = await Promise.allSettled([
    query.knownPatient ?? ctx.peers.getPatient(patientId, actor.requestId),
    ctx.peers.checkAvailability({ doctorId, startsAt, endsAt, required: query.required }, actor.requestId),
  ]);

  if (patientAnswer.status === 'rejected') throw patientAnswer.reason;
  const patient = patientAnswer.value;
  if (!patient) throw unprocessable(`Patient ${patientId} does not exist`, 'UNKNOWN_PATIENT');
  assertOwnsPatient(actor.principal, patient);

  if (availabilityAnswer.status === 'rejected') throw availabilityAnswer.reason;
  const availability = availabilityAnswer.value;
  if (!availability.available) {
    if (availability.reason === 'UNKNOWN_DOCTOR') throw unprocessable(`Doctor ${doctorId} does not exist`, 'UNKNOWN_DOCTOR');
    if (availability.reason === 'NO_RESOURCE') {
      throw conflict('No room or device the visit needs is in service at the doctor’s location then', 'RESOURCE_UNAVAILABLE');
    }
    if (availability.reason === 'OUTSIDE_OPENING_HOURS') {
      throw conflict('The doctor’s location is closed at that time (outside its opening hours)', 'OUTSIDE_OPENING_HOURS');
    }
    throw conflict(`The doctor is not available at that time (${availability.reason})`, availability.reason);
  }
  return { patient, doctor: availability.doctor, locationId: availability.locationId, candidates: availability.candidates };
}
