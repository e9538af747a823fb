import type { Slot } from '@medplum/fhirtypes';
import { uuid, type Specialty } from '@pms/contracts';
import type { SlotState, StatedSlot } from '../domain/slots.js';
import { specialtyConcept } from './specialty.js';

// A Slot is never stored: it is a period of a doctor's weekly hours, computed on request. Its id
// names that period, so it is stable (the same period always has the same id) and resolvable
// without any table: `<doctor id>.<start as UTC yyyyMMddHHmm>.<minutes>`, for example
// `0b7c…e1.202611230900.30` (53 characters at most; FHIR ids allow 64 of [A-Za-z0-9.-]).
// Reading it checks that the period still lies on the doctor's slot grid.

export interface SlotKey {
  doctorId: string;
  start: Date;
  minutes: number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

export function slotId({ doctorId, start, minutes }: SlotKey): string {
  const stamp = `${start.getUTCFullYear()}${pad(start.getUTCMonth() + 1)}${pad(start.getUTCDate())}${pad(start.getUTCHours())}${pad(start.getUTCMinutes())}`;
  return `${doctorId}.${stamp}.${minutes}`;
}

const idPattern = /^([0-9a-fA-F-]{36})\.(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{1,3})$/;

/** The period a slot id names; undefined for anything that is not one (a 404, like an unknown id). */
export function parseSlotId(id: string): SlotKey | undefined {
  const match = idPattern.exec(id);
  if (!match || !uuid.safeParse(match[1]).success) return undefined;
  const [year, month, day, hour, minute, minutes] = match.slice(2).map(Number) as [number, number, number, number, number, number];
  const start = new Date(Date.UTC(year, month - 1, day, hour, minute));
  // Date.UTC rolls 2026-02-31 over into March: only a date that reads back the same is one.
  const valid = start.getUTCMonth() === month - 1 && start.getUTCDate() === day && hour < 24 && minute < 60 && year >= 1900;
  if (!valid || minutes < 5 || minutes > 480) return undefined;
  return { doctorId: match[1]!.toLowerCase(), start, minutes };
}

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
