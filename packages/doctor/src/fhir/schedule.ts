import type { Schedule } from '@medplum/fhirtypes';
import type { DoctorRow } from '../db/schema.js';
import { specialtyConcept } from './specialty.js';
import { locationReferences } from './weekly.js';

const dayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Mon 09:00-12:30, Mon 13:30-17:00, …" (stored sorted by weekday and start). */
const hoursText = (row: DoctorRow) =>
  row.workingHours.map((block) => `${dayNames[block.weekday - 1]} ${block.start}-${block.end}`).join(', ') || 'none';

/**
 * A doctor's one Schedule, with the doctor's id: its Slots are cut from the weekly hours on
 * request (never stored), so the Schedule carries no planning horizon; `comment` says the hours
 * in words for people, the Slots say them for software. Its actors are the doctor and the
 * Locations the hours are held at (R4's Slot has no location of its own: a Slot's is its Schedule's).
 */
export function toSchedule(row: DoctorRow, defaultLocationId?: string): Schedule {
  return {
    resourceType: 'Schedule',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    active: row.active,
    specialty: [specialtyConcept(row.specialty)],
    actor: [{ reference: `Practitioner/${row.id}`, display: row.name }, ...locationReferences(row.workingHours, defaultLocationId)],
    comment: `Weekly hours (${row.timeZone}), ${row.slotMinutes}-minute slots: ${hoursText(row)}`,
  };
}
