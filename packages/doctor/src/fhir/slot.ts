import type { Slot } from '@medplum/fhirtypes';
import type { Specialty } from '@pms/contracts';
import { slotId } from '@pms/platform/fhir';
import type { SlotState, StatedSlot } from '../domain/slots.js';
import { specialtyConcept } from './specialty.js';

// A Slot is computed from the doctor's weekly hours, never stored; its id (platform's slot-id.ts)
// names the period, so reading it checks that the period still lies on the doctor's slot grid.

/**
 * How our slot states read in FHIR: FREE is `free`; BOOKED (an appointment, with its type's
 * buffers, overlaps it) is `busy`; UNAVAILABLE (time off, already begun, an inactive doctor, or
 * outside what the booking policy lets a patient user book) is `busy-unavailable`.
 */
export const slotStatusOf: Record<SlotState, Slot['status']> = { FREE: 'free', BOOKED: 'busy', UNAVAILABLE: 'busy-unavailable' };

/** The slot states a `status` token asks for; undefined for a status we never give a slot. */
export function slotStateOf(status: string): SlotState | undefined {
  return (Object.keys(slotStatusOf) as SlotState[]).find((state) => slotStatusOf[state] === status);
}

export function toSlot(slot: StatedSlot, specialty: Specialty): Slot {
  const minutes = Math.round((slot.end - slot.start) / 60_000);
  return {
    resourceType: 'Slot',
    id: slotId({ doctorId: slot.doctorId, start: new Date(slot.start), minutes }),
    schedule: { reference: `Schedule/${slot.doctorId}` },
    specialty: [specialtyConcept(specialty)],
    status: slotStatusOf[slot.state],
    start: new Date(slot.start).toISOString(),
    end: new Date(slot.end).toISOString(),
  };
}
