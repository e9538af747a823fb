import type { Schedule } from '@medplum/fhirtypes';
import type { DoctorRow } from '../db/schema.js';
import { specialtyConcept } from './specialty.js';

const dayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Mon 09:00-12:30, Mon 13:30-17:00, …" (stored sorted by weekday and start). */
const hoursText = (row: DoctorRow) =>
  row.workingHours.map((block) => `${dayNames[block.weekday - 1]} ${block.start}-${block.end}`).join(', ') || 'none';

/**
 * A doctor's one Schedule, with the doctor's id: its Slots are cut from the weekly hours on
 * request (never stored), so the Schedule carries no planning horizon; `comment` says the hours
 * in words for people, the Slots say them for software.
 */
export function toSchedule(row: DoctorRow): Schedule {
  return {
    resourceType: 'Schedule',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    active: row.active,
    specialty: [specialtyConcept(row.specialty)],
    actor: [{ reference: `Practitioner/${row.id}`, display: row.name }],
    comment: `Weekly hours (${row.timeZone}), ${row.slotMinutes}-minute slots: ${hoursText(row)}`,
  };
}
