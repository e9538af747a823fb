import type { Appointment, BookAppointmentBody, RescheduleAppointmentBody } from '@pms/contracts';
import { conflict, notFound, requireRole } from '@pms/platform/domain';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { findAppointment, insertAppointmentWithEvent, lockAppointment, updateIfStatus } from '../db/appointments.js';
import { newEvent, recordEvent } from '../db/events.js';
import { authorizeAppointment, rolesFor } from './access.js';
import type { Actor, AppointmentsContext } from './context.js';
import { checkParties, type Parties } from './parties.js';
import { illegalTransition } from './transitions.js';
import { snapshotOf, toAppointment } from './views.js';

export type BookInput = z.infer<typeof BookAppointmentBody>;
export type RescheduleInput = z.infer<typeof RescheduleAppointmentBody>;

const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

const snapshotColumns = ({ patient, doctor }: Parties) => ({
  patientName: patient.name,
  patientEmail: patient.email,
  doctorName: doctor.name,
  doctorSpecialty: doctor.specialty,
  doctorTimeZone: doctor.timeZone,
});

/**
 * The hot path: two concurrent gRPC calls, then one statement inserting the row and its
 * AppointmentBooked event, no reads. Overlaps are left to the database's exclusion constraints.
 */
export async function bookAppointment(ctx: AppointmentsContext, actor: Actor, input: BookInput): Promise<Appointment> {
  requireRole(actor.principal, ...rolesFor.book);
  const startsAt = new Date(input.startsAt);
  const durationMinutes = input.durationMinutes ?? ctx.defaultDurationMinutes;
  const endsAt = addMinutes(startsAt, durationMinutes);
  const parties = await checkParties(ctx, actor, { patientId: input.patientId, doctorId: input.doctorId, startsAt, endsAt });

  const values = {
    id: randomUUID(),
    patientId: input.patientId,
    doctorId: input.doctorId,
    startsAt,
    endsAt,
    durationMinutes,
    reason: input.reason || null,
    bookedBy: actor.principal.userId,
    ...snapshotColumns(parties),
  };
  // The row and its AppointmentBooked event: one statement, one round trip.
  const row = await insertAppointmentWithEvent(ctx.db, values, newEvent('AppointmentBooked', snapshotOf(values), actor.requestId));
  return toAppointment(row);
}

/**
 * Moves a BOOKED appointment, with the same checks as booking. The database moves the range
 * in place, so the old slot is free the moment this commits.
 */
export async function rescheduleAppointment(
  ctx: AppointmentsContext,
  actor: Actor,
  id: string,
  input: RescheduleInput,
): Promise<Appointment> {
  const current = await findAppointment(ctx.db, id);
  if (!current) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  const knownPatient = await authorizeAppointment(ctx, actor, current, rolesFor.manage);
  if (current.status !== 'BOOKED') throw illegalTransition(current.status, 'reschedule');

  const startsAt = new Date(input.startsAt);
  const durationMinutes = input.durationMinutes ?? current.durationMinutes;
  const endsAt = addMinutes(startsAt, durationMinutes);
  const parties = await checkParties(ctx, actor, {
    patientId: current.patientId,
    doctorId: current.doctorId,
    startsAt,
    endsAt,
    knownPatient,
  });

  const row = await ctx.db.transaction(async (tx) => {
    // Locked, so the previous times in the event are the ones this update replaces.
    const previous = await lockAppointment(tx, id);
    if (!previous) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
    if (previous.status !== 'BOOKED') throw illegalTransition(previous.status, 'reschedule');
    const moved = await updateIfStatus(tx, id, ['BOOKED'], { startsAt, endsAt, durationMinutes, ...snapshotColumns(parties) });
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
