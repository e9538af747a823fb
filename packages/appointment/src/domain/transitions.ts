import type { Appointment, AppointmentStatus, CancelAppointmentBody, Role } from '@pms/contracts';
import { conflict, notFound, requireRole, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import { updateStatusAnnounced, type StatusEvent } from '../db/announced.js';
import { findAppointment } from '../db/appointments.js';
import type { AppointmentRow } from '../db/schema.js';
import type { SchedulingPolicy } from '@pms/contracts';
import { authorizeAppointment, rolesFor } from './access.js';
import type { AppointmentsContext } from './context.js';
import { assertMayCancel, policyFor } from './policy.js';
import { toAppointment } from './views.js';

export type CancelInput = z.infer<typeof CancelAppointmentBody>;

/** The lifecycle: BOOKED → CHECKED_IN → COMPLETED; BOOKED → CANCELLED | NO_SHOW (reschedule: booking.ts). */
interface Transition {
  verb: string;
  from: readonly AppointmentStatus[];
  to: AppointmentStatus;
  roles: readonly Role[];
  /** The step's event, if the catalog has one (checking in has none): its data is the changed row's (db/announced.ts). */
  event?: StatusEvent;
  /** The booking policy's say, for callers it binds (patients). */
  policyCheck?: (policy: SchedulingPolicy | undefined, row: AppointmentRow, now: Date) => void;
}

const transitions = {
  checkIn: { verb: 'check in', from: ['BOOKED'], to: 'CHECKED_IN', roles: rolesFor.attend },
  complete: {
    verb: 'complete',
    from: ['CHECKED_IN'],
    to: 'COMPLETED',
    roles: rolesFor.attend,
    event: 'AppointmentCompleted',
  },
  noShow: {
    verb: 'mark as no-show',
    from: ['BOOKED'],
    to: 'NO_SHOW',
    roles: rolesFor.attend,
    event: 'AppointmentNoShow',
  },
  cancel: {
    verb: 'cancel',
    from: ['BOOKED'],
    to: 'CANCELLED',
    roles: rolesFor.manage,
    policyCheck: (policy, row, now) => assertMayCancel(policy, row.startsAt, now),
    event: 'AppointmentCancelled',
  },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof transitions;

export const illegalTransition = (status: AppointmentStatus, verb: string) =>
  conflict(`Cannot ${verb} an appointment that is ${status}`, 'ILLEGAL_TRANSITION');

/**
 * Reads and authorizes (the read is what authorization needs), then changes the status with an
 * UPDATE guarded by the allowed source statuses, in one statement with the step's event: two
 * round trips. Of two racing transitions one wins and the other gets 409 ILLEGAL_TRANSITION.
 */
async function transition(
  ctx: AppointmentsContext,
  actor: Actor,
  id: string,
  step: Transition,
  changes: Partial<AppointmentRow> = {},
): Promise<Appointment> {
  requireRole(actor.principal, ...step.roles);
  const current = await findAppointment(ctx.db, id);
  if (!current) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  // The policy (only patients' cancellations read it) is read while patient says who owns the record.
  const [, policy] = await Promise.all([
    authorizeAppointment(ctx, actor, current, step.roles),
    step.policyCheck ? policyFor(ctx, actor.principal) : undefined,
  ]);
  if (!step.from.includes(current.status)) throw illegalTransition(current.status, step.verb);
  step.policyCheck?.(policy, current, ctx.now());

  const event = step.event && { type: step.event, requestId: actor.requestId };
  const changed = await updateStatusAnnounced(ctx.db, id, step.from, { ...changes, status: step.to }, event);
  if (!changed) {
    // Lost a race: one more read, only to name the status the winner left.
    const now = await findAppointment(ctx.db, id);
    throw illegalTransition(now?.status ?? current.status, step.verb);
  }
  return toAppointment(changed);
}

export const checkInAppointment = (ctx: AppointmentsContext, actor: Actor, id: string) =>
  transition(ctx, actor, id, transitions.checkIn);

export const completeAppointment = (ctx: AppointmentsContext, actor: Actor, id: string) =>
  transition(ctx, actor, id, transitions.complete);

export const markNoShow = (ctx: AppointmentsContext, actor: Actor, id: string) =>
  transition(ctx, actor, id, transitions.noShow);

/** Frees the slot at commit (CANCELLED is outside the exclusion constraints). */
export const cancelAppointment = (ctx: AppointmentsContext, actor: Actor, id: string, input: CancelInput) =>
  transition(ctx, actor, id, transitions.cancel, {
    cancellationReason: input.reason || null,
    cancelledBy: actor.principal.userId,
  });
