import { BookAppointmentBody, CancelAppointmentBody, RescheduleAppointmentBody, type AppointmentStatus } from '@pms/contracts';
import { badInput, conflict, type FieldIssue } from '@pms/platform/domain';
import type { z } from 'zod';
import type { AppointmentRow } from '../db/schema.js';
import type { BookInput } from '../domain/booking.js';
import type { AppointmentChange } from '../domain/changes.js';
import { heldReference, statusOfFhir, type AppointmentRequest } from './appointment.js';

// A client's Appointment as one of our use cases: create is a booking, update is the one step
// (cancel, check-in, complete, no-show, reschedule) that turns the stored appointment into it.

const minuteMs = 60_000;

/** Where each field of our JSON bodies stands in an Appointment, for 400s that name the element. */
const elementOf: Record<string, string> = {
  patientId: 'participant',
  doctorId: 'participant',
  startsAt: 'start',
  durationMinutes: 'end',
  appointmentTypeId: 'appointmentType',
  reason: 'reasonCode',
};

const invalid = (issues: FieldIssue[]) =>
  badInput(`Invalid Appointment: ${[...new Set(issues.map((issue) => issue.field))].join(', ')}`, issues, 'INVALID_RESOURCE');
const issue = (element: string, message: string): FieldIssue => ({ field: `Appointment.${element}`, message });

/** Checks our body with the JSON API's own schema (future start, years, lengths), answering in FHIR elements. */
function parsedAs<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw invalid(parsed.error.issues.map((problem) => issue(elementOf[String(problem.path[0])] ?? String(problem.path[0] ?? 'start'), problem.message)));
}

/** The period asked for: `start`/`end`, or the slot's, which must agree when both are given. */
function periodOf(request: AppointmentRequest): { startsAt?: string; durationMinutes?: number; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const startsAt = request.startsAt ?? request.slot?.startsAt;
  if (request.slot && request.startsAt && Date.parse(request.startsAt) !== Date.parse(request.slot.startsAt)) {
    issues.push(issue('start', 'must be the start of the slot'));
  }
  let durationMinutes = request.slot?.minutes;
  if (startsAt && request.endsAt) {
    const minutes = (Date.parse(request.endsAt) - Date.parse(startsAt)) / minuteMs;
    if (!Number.isInteger(minutes) || minutes <= 0) issues.push(issue('end', 'must be a whole number of minutes after start'));
    else if (durationMinutes !== undefined && minutes !== durationMinutes) issues.push(issue('end', 'must be the end of the slot'));
    durationMinutes = minutes;
  }
  if (request.endsAt && !startsAt) issues.push(issue('start', 'is required with end'));
  return { startsAt, durationMinutes, issues };
}

/** A create: status `booked`, a Patient and a Practitioner participant, `start` (and `end`) or a `slot`. */
export function bookingOf(request: AppointmentRequest): BookInput {
  const { startsAt, durationMinutes, issues } = periodOf(request);
  if (request.status !== 'booked') issues.push(issue('status', 'must be booked: creating an appointment books it'));
  if (request.slot && request.doctorId && request.slot.doctorId !== request.doctorId) issues.push(issue('slot', 'must be a slot of the Practitioner'));
  const doctorId = request.doctorId ?? request.slot?.doctorId;
  if (!request.patientId) issues.push(issue('participant', 'needs a Patient/<id> participant'));
  if (request.resources.length > 0) issues.push(issue('participant', 'names no Location or Device: booking picks the rooms and devices the appointment type needs'));
  if (!doctorId) issues.push(issue('participant', 'needs a Practitioner/<id> participant (or a slot)'));
  if (!startsAt) issues.push(issue('start', 'is required (or a slot)'));
  if (issues.length > 0) throw invalid(issues);
  // With an appointment type its duration applies (as in the JSON API), so `end` is not the length then.
  const length = request.appointmentTypeId ? undefined : durationMinutes;
  return parsedAs(BookAppointmentBody, {
    patientId: request.patientId,
    doctorId,
    startsAt,
    appointmentTypeId: request.appointmentTypeId,
    durationMinutes: length,
    reason: request.reason,
  });
}

const sameInstant = (a: Date, b: string | undefined) => b === undefined || a.getTime() === Date.parse(b);

/** What an update may not change: who takes part, the type and the reason (no use case changes them). */
function unchangeable(current: AppointmentRow, request: AppointmentRequest): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (request.patientId !== current.patientId || (request.doctorId ?? request.slot?.doctorId) !== current.doctorId) {
    issues.push(issue('participant', 'cannot be changed: the same Patient and Practitioner'));
  }
  // The rooms and devices held may be named back as read (or left out: that releases nothing).
  const held = new Set(current.resources.map(heldReference));
  if (request.resources.some((named) => !held.has(named))) issues.push(issue('participant', 'names only the rooms (Location) and devices (Device) the appointment holds'));
  if ((request.appointmentTypeId ?? null) !== current.appointmentTypeId) issues.push(issue('appointmentType', 'cannot be changed'));
  if ((request.reason ?? null) !== current.reason) issues.push(issue('reasonCode', 'cannot be changed'));
  return issues;
}

/**
 * The one step an update asks for. A new `status` is a transition (`cancelled` cancel, `arrived`
 * check-in, `fulfilled` complete, `noshow` no-show); new `start`/`end` (or slot) with the status
 * unchanged is a reschedule; both at once is refused, as is a change of anything else. A status
 * we have no step into is a 409, like any illegal transition.
 */
export function changeOf(current: AppointmentRow, request: AppointmentRequest): AppointmentChange {
  const { startsAt, durationMinutes, issues } = periodOf(request);
  issues.push(...unchangeable(current, request));
  const moved = !sameInstant(current.startsAt, startsAt) || (durationMinutes !== undefined && durationMinutes !== current.durationMinutes);
  const target: AppointmentStatus | undefined = statusOfFhir(request.status);
  if (moved && target !== current.status) issues.push(issue('start', 'cannot change together with status: one step at a time'));
  if (issues.length > 0) throw invalid(issues);
  if (!target) throw conflict(`No appointment can be moved to ${request.status}`, 'ILLEGAL_TRANSITION');
  if (moved) return { kind: 'reschedule', input: parsedAs(RescheduleAppointmentBody, { startsAt, durationMinutes }) };
  if (target === current.status) return { kind: 'none' };
  if (target === 'CANCELLED') return { kind: 'cancel', input: parsedAs(CancelAppointmentBody, { reason: request.cancellationReason }) };
  return { kind: 'status', to: target };
}
