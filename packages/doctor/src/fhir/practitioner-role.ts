import type { PractitionerRole } from '@medplum/fhirtypes';
import type { DoctorRow } from '../db/schema.js';
import { telecomOf } from './practitioner.js';
import { specialtyConcept } from './specialty.js';
import { locationReferences, sameTimes } from './weekly.js';

/**
 * The doctor's one role, with the same id as the doctor (and as its Practitioner and Schedule):
 * a doctor works in one specialty, so one role per doctor says everything we know. The weekly
 * hours are `availableTime`; FHIR's `time` has no zone, so the zone is said in
 * `availabilityExceptions`, and the exact bookable times are the Schedule's Slots. `location`
 * lists where the blocks are held (the default location for those that name none).
 */
export function toPractitionerRole(row: DoctorRow, defaultLocationId?: string): PractitionerRole {
  const role: PractitionerRole = {
    resourceType: 'PractitionerRole',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    active: row.active,
    practitioner: { reference: `Practitioner/${row.id}`, display: row.name },
    code: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/practitioner-role', code: 'doctor', display: 'Doctor' }] }],
    specialty: [specialtyConcept(row.specialty)],
    telecom: telecomOf(row),
  };
  if (row.workingHours.length > 0) {
    role.location = locationReferences(row.workingHours, defaultLocationId);
    role.availableTime = sameTimes(row.workingHours).map(({ daysOfWeek, start, end }) => ({ daysOfWeek, availableStartTime: start, availableEndTime: end }));
    // A block at a location is in that location's time zone (copied onto the block), the others in the doctor's.
    const zones = [...new Set(row.workingHours.map((block) => block.timeZone ?? row.timeZone))];
    role.availabilityExceptions = `Times are local to ${zones.join(' or ')} (each block in its location's zone); bookable times are the free Slots of Schedule/${row.id}.`;
  }
  return role;
}
