import type { Appointment, BookAppointmentBody, RescheduleAppointmentBody } from '@pms/contracts';
import { conflict, notFound, requireRole, type Actor } from '@pms/platform/domain';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { findAppointment, insertAppointmentWithEvent, lockAppointment, updateIfStatus } from '../db/appointments.js';
import { newEvent, recordEvent } from '../db/outbox.js';
import { authorizeAppointment, rolesFor } from './access.js';
import { assertTypeSuitsDoctor, resolveVisit, type Visit } from './appointment-types.js';
import type { AppointmentsContext } from './context.js';
import { checkParties, type Parties } from './parties.js';
import { assertMayBook, assertMayReschedule, policyFor } from './policy.js';
import { illegalTransition } from './transitions.js';
import { snapshotOf, toAppointment } from './views.js';

export type BookInput = z.infer<typeof BookAppointmentBody>;
export type RescheduleInput = z.infer<typeof RescheduleAppointmentBody>;

export const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

export const snapshotColumns = ({ patient, doctor }: Parties) => ({
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
export async function bookAppointment(ctx: AppointmentsContext, actor: Actor, input: BookInput): Promise<Appointment> {
  requireRole(actor.principal, ...rolesFor.book);
  const startsAt = new Date(input.startsAt);
  const [visit, policy] = await Promise.all([resolveVisit(ctx, input), policyFor(ctx, actor.principal)]);
  assertMayBook(policy, startsAt, ctx.now());
  const range = rangeOf(startsAt, visit);
  const parties = await checkParties(ctx, actor, { patientId: input.patientId, doctorId: input.doctorId, startsAt, endsAt: range.endsAt });
  assertTypeSuitsDoctor(visit, parties.doctor.specialty);

  const values = {
    id: randomUUID(),
    patientId: input.patientId,
    doctorId: input.doctorId,
    ...range,
    ...visitColumns(visit),
    seriesId: null,
    reason: input.reason || null,
    bookedBy: actor.principal.userId,
    ...snapshotColumns(parties),
  };
  // The row and its AppointmentBooked event: one statement, one round trip.
  const row = await insertAppointmentWithEvent(ctx.db, values, newEvent('AppointmentBooked', snapshotOf(values), actor.requestId));
  return toAppointment(row);
}

/**
 * Moves a BOOKED appointment, with the same checks as booking; the type's buffers move with it.
 * The database moves the range in place, so the old slot is free the moment this commits.
 */
export async function rescheduleAppointment(
  ctx: AppointmentsContext,
  actor: Actor,
  id: string,
  input: RescheduleInput,
): Promise<Appointment> {
  const current = await findAppointment(ctx.db, id);
  if (!current) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  const [knownPatient, policy] = await Promise.all([
    authorizeAppointment(ctx, actor, current, rolesFor.manage),
    policyFor(ctx, actor.principal),
  ]);
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

  const row = await ctx.db.transaction(async (tx) => {
    // Locked, so the previous times in the event are the ones this update replaces.
    const previous = await lockAppointment(tx, id);
    if (!previous) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
    if (previous.status !== 'BOOKED') throw illegalTransition(previous.status, 'reschedule');
    const moved = await updateIfStatus(tx, id, ['BOOKED'], { ...range, ...snapshotColumns(parties) });
    if (!moved) throw conflict(`Appointment ${id} changed meanwhile`, 'ILLEGAL_TRANSITION');
    await recordEvent(
      tx,
      'AppointmentRescheduled',
      { ...snapshotOf(moved), previousStartsAt: previous.startsAt.toISOString(), previousEndsAt: previous.endsAt.toISOString() },
      actor.requestId,
    );
    return moved;
  });
  return toAppointment(row);
}
