import type { Appointment, AppointmentStatus, CancelAppointmentBody, Role } from '@pms/contracts';
import { conflict, notFound, requireRole, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import { findAppointment, updateIfStatus } from '../db/appointments.js';
import { recordEvent } from '../db/outbox.js';
import type { AppointmentRow } from '../db/schema.js';
import type { SchedulingPolicy } from '@pms/contracts';
import type { Transaction } from '../db/database.js';
import { authorizeAppointment, rolesFor } from './access.js';
import type { AppointmentsContext } from './context.js';
import { assertMayCancel, policyFor } from './policy.js';
import { snapshotOf, toAppointment } from './views.js';

export type CancelInput = z.infer<typeof CancelAppointmentBody>;

/** The lifecycle: BOOKED → CHECKED_IN → COMPLETED; BOOKED → CANCELLED | NO_SHOW (reschedule: booking.ts). */
interface Transition {
  verb: string;
  from: readonly AppointmentStatus[];
  to: AppointmentStatus;
  roles: readonly Role[];
  /** Writes the step's event, if the catalog has one (checking in has none). */
  announce?: (tx: Transaction, row: AppointmentRow, requestId: string) => Promise<void>;
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
    announce: (tx, row, requestId) => recordEvent(tx, 'AppointmentCompleted', snapshotOf(row), requestId),
  },
  noShow: {
    verb: 'mark as no-show',
    from: ['BOOKED'],
    to: 'NO_SHOW',
    roles: rolesFor.attend,
    announce: (tx, row, requestId) => recordEvent(tx, 'AppointmentNoShow', snapshotOf(row), requestId),
  },
  cancel: {
    verb: 'cancel',
    from: ['BOOKED'],
    to: 'CANCELLED',
    roles: rolesFor.manage,
    policyCheck: (policy, row, now) => assertMayCancel(policy, row.startsAt, now),
    announce: (tx, row, requestId) =>
      recordEvent(
        tx,
        'AppointmentCancelled',
        { ...snapshotOf(row), cancellationReason: row.cancellationReason, cancelledBy: row.cancelledBy ?? '' },
        requestId,
      ),
  },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof transitions;

export const illegalTransition = (status: AppointmentStatus, verb: string) =>
  conflict(`Cannot ${verb} an appointment that is ${status}`, 'ILLEGAL_TRANSITION');

/**
 * Reads and authorizes, then changes the status with an UPDATE guarded by the allowed source
 * statuses, in one transaction with the step's event: of two racing transitions one wins and
 * the other gets 409 ILLEGAL_TRANSITION.
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
  await authorizeAppointment(ctx, actor, current, step.roles);
  if (!step.from.includes(current.status)) throw illegalTransition(current.status, step.verb);
  if (step.policyCheck) step.policyCheck(await policyFor(ctx, actor.principal), current, ctx.now());

  const row = await ctx.db.transaction(async (tx) => {
    const changed = await updateIfStatus(tx, id, step.from, { ...changes, status: step.to });
    if (!changed) {
      const now = await findAppointment(tx, id);
      throw illegalTransition(now?.status ?? current.status, step.verb);
    }
    await step.announce?.(tx, changed, actor.requestId);
    return changed;
  });
  return toAppointment(row);
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
