import type { BookAppointmentBody, RescheduleAppointmentBody } from '@pms/contracts';
import { notFound, requireRole, type Actor } from '@pms/platform/domain';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { rescheduleAnnounced } from '../db/announced.js';
import { findAppointment, insertAppointmentWithEvent } from '../db/appointments.js';
import type { AppointmentRow } from '../db/schema.js';
import { newEvent } from '../db/outbox.js';
import { authorizeAppointment, rolesFor } from './access.js';
import { assertTypeSuitsDoctor, resolveVisit, type Visit } from './appointment-types.js';
import type { AppointmentsContext } from './context.js';
import { checkParties, type Parties } from './parties.js';
import { assertMayBook, assertMayReschedule, policyFor } from './policy.js';
import { assertVersion, illegalTransition, whyRefused } from './transitions.js';
import { snapshotOf } from './views.js';
import { withResources } from './resources.js';

export type BookInput = z.infer<typeof BookAppointmentBody>;
export type RescheduleInput = z.infer<typeof RescheduleAppointmentBody>;

export const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

export const snapshotColumns = ({ patient, doctor }: Pick<Parties, 'patient' | 'doctor'>) => ({
  patientName: patient.name,
  patientEmail: patient.email,
  doctorName: doctor.name,
  doctorSpecialty: doctor.specialty,
  doctorTimeZone: doctor.timeZone,
});

/** The visit's times: its own range, and the doctor's range with the type's buffers around it. */
export function rangeOf(startsAt: Date, visit: Pick<Visit, 'durationMinutes' | 'bufferBeforeMinutes' | 'bufferAfterMinutes'>) {
  const endsAt = addMinutes(startsAt, visit.durationMinutes);
  return {
    startsAt,
    endsAt,
    durationMinutes: visit.durationMinutes,
    doctorBlockedFrom: addMinutes(startsAt, -visit.bufferBeforeMinutes),
    doctorBlockedUntil: addMinutes(endsAt, visit.bufferAfterMinutes),
  };
}

/** The type's columns of an appointment row. */
export const visitColumns = (visit: Visit) => ({
  appointmentTypeId: visit.appointmentTypeId,
  bufferBeforeMinutes: visit.bufferBeforeMinutes,
  bufferAfterMinutes: visit.bufferAfterMinutes,
  priceCents: visit.priceCents,
});

/**
 * The hot path: the type (and, for patients, the policy) in one round trip, two concurrent gRPC
 * calls, then one statement inserting the row and its AppointmentBooked event. Overlaps,
 * buffers included, are left to the database's exclusion constraints.
 */
export async function bookAppointment(ctx: AppointmentsContext, actor: Actor, input: BookInput): Promise<AppointmentRow> {
  requireRole(actor.principal, ...rolesFor.book);
  const startsAt = new Date(input.startsAt);
  const [visit, policy] = await Promise.all([resolveVisit(ctx, input), policyFor(ctx, actor.principal)]);
  assertMayBook(policy, startsAt, ctx.now());
  const range = rangeOf(startsAt, visit);
  const parties = await checkParties(ctx, actor, {
    patientId: input.patientId,
    doctorId: input.doctorId,
    startsAt,
    endsAt: range.endsAt,
    required: visit.requiredResources,
  });
  assertTypeSuitsDoctor(visit, parties.doctor.specialty);

  const base = {
    id: randomUUID(),
    patientId: input.patientId,
    doctorId: input.doctorId,
    ...range,
    ...visitColumns(visit),
    seriesId: null,
    reason: input.reason || null,
    bookedBy: actor.principal.userId,
    ...snapshotColumns(parties),
    locationId: parties.locationId,
  };
  // The row, its rooms and devices (the trigger's reservations) and its AppointmentBooked event:
  // one statement, one round trip (plus one read to pick resources, for types that need them).
  return withResources(ctx, visit.requiredResources, [{ range, candidates: parties.candidates }], ([resources = []]) => {
    const values = { ...base, resources };
    return insertAppointmentWithEvent(ctx.db, values, newEvent('AppointmentBooked', snapshotOf(values), actor.requestId));
  });
}

/**
 * Moves a BOOKED appointment, with the same checks as booking; the type's buffers move with it.
 * `expectedVersion` (a FHIR update's If-Match) makes a changed appointment a 412.
 * The database moves the range in place, so the old slot is free the moment this commits. Two
 * round trips besides the peers: the read authorization needs, and the move with its event.
 */
export async function rescheduleAppointment(
  ctx: AppointmentsContext,
  actor: Actor,
  id: string,
  input: RescheduleInput,
  expectedVersion?: number,
): Promise<AppointmentRow> {
  const current = await findAppointment(ctx.db, id);
  if (!current) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  const [knownPatient, policy] = await Promise.all([
    authorizeAppointment(ctx, actor, current, rolesFor.manage),
    policyFor(ctx, actor.principal),
  ]);
  assertVersion(current, expectedVersion);
  if (current.status !== 'BOOKED') throw illegalTransition(current.status, 'reschedule');
  const startsAt = new Date(input.startsAt);
  assertMayReschedule(policy, current.startsAt, ctx.now());
  assertMayBook(policy, startsAt, ctx.now());

  const range = rangeOf(startsAt, { ...current, durationMinutes: input.durationMinutes ?? current.durationMinutes });
  const parties = await checkParties(ctx, actor, {
    patientId: current.patientId,
    doctorId: current.doctorId,
    startsAt,
    endsAt: range.endsAt,
    knownPatient,
  });

  // The move and its event in one statement, which reads the times it replaces under a row lock.
  const moved = await rescheduleAnnounced(ctx.db, id, { ...range, ...snapshotColumns(parties) }, actor.requestId, expectedVersion);
  if (!moved) {
    // Cancelled (or moved on in the lifecycle, or changed since the If-Match version) meanwhile: one more read, only to say which.
    throw await whyRefused(ctx, id, 'reschedule', expectedVersion);
  }
  return moved;
}
