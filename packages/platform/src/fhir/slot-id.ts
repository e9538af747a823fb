// The HTTP entry: the package's root also loads the gRPC stubs, and the gateway uses this module.
import { dateRange, uuid } from '@pms/contracts/http';
import { referenceTarget } from './search.js';

// A Slot is never stored: it is a period of a doctor's weekly hours, computed on request by the
// doctor service. Its id names that period, so it is stable (the same period always has the same
// id) and resolvable without any table: `<doctor id>.<start as UTC yyyyMMddHHmm>.<minutes>`, for
// example `0b7c…e1.202611230900.30` (53 characters at most; FHIR ids allow 64 of [A-Za-z0-9.-]).
// The doctor service mints and reads these ids, the appointment service books by them: one format here.

export interface SlotKey {
  doctorId: string;
  start: Date;
  minutes: number;
}

/** A slot is never shorter or longer than an appointment may be (contracts: 5 to 480 minutes). */
const slotMinutes = { min: 5, max: 480 } as const;

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
  const valid = start.getUTCMonth() === month - 1 && start.getUTCDate() === day && hour < 24 && minute < 60;
  const inRange = year >= dateRange.earliestYear && year <= dateRange.latestYear;
  if (!valid || !inRange || minutes < slotMinutes.min || minutes > slotMinutes.max) return undefined;
  return { doctorId: match[1]!.toLowerCase(), start, minutes };
}

/** The period a `Slot/<id>` reference (relative or absolute) names; undefined for any other reference. */
export function slotOfReference(reference: string): SlotKey | undefined {
  const target = referenceTarget(reference);
  return target?.type === 'Slot' ? parseSlotId(target.id) : undefined;
}
