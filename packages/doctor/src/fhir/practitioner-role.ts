import type { PractitionerRole, PractitionerRoleAvailableTime } from '@medplum/fhirtypes';
import type { DoctorRow, WorkingHoursRow } from '../db/schema.js';
import { telecomOf } from './practitioner.js';
import { specialtyConcept } from './specialty.js';

type Day = NonNullable<PractitionerRoleAvailableTime['daysOfWeek']>[number];
const days: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Working-hours blocks with the same times become one entry listing their weekdays. */
function availableTimes(hours: WorkingHoursRow[]): PractitionerRoleAvailableTime[] {
  const byTimes = new Map<string, PractitionerRoleAvailableTime>();
  for (const block of hours) {
    const key = `${block.start}-${block.end}`;
    const entry = byTimes.get(key) ?? { daysOfWeek: [], availableStartTime: `${block.start}:00`, availableEndTime: `${block.end}:00` };
    entry.daysOfWeek?.push(days[block.weekday - 1]!);
    byTimes.set(key, entry);
  }
  return [...byTimes.values()];
}

/**
 * The doctor's one role, with the same id as the doctor (and as its Practitioner and Schedule):
 * a doctor works in one specialty, so one role per doctor says everything we know. The weekly
 * hours are `availableTime`; FHIR's `time` has no zone, so the zone is said in
 * `availabilityExceptions`, and the exact bookable times are the Schedule's Slots.
 */
export function toPractitionerRole(row: DoctorRow): PractitionerRole {
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
    role.availableTime = availableTimes(row.workingHours);
    role.availabilityExceptions = `Times are local to ${row.timeZone}; bookable times are the free Slots of Schedule/${row.id}.`;
  }
  return role;
}
