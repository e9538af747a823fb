import type { AppointmentStatus, CancelAppointmentBody, Role } from '@pms/contracts';
import { conflict, notFound, preconditionFailed, requireRole, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import { updateStatusAnnounced, type StatusEvent } from '../db/announced.js';
import { findAppointment } from '../db/appointments.js';
import type { AppointmentRow } from '../db/schema.js';
import type { SchedulingPolicy } from '@pms/contracts';
import { authorizeAppointment, authorizedWithoutRow, rolesFor } from './access.js';
import type { AppointmentsContext } from './context.js';
import { assertMayCancel, boundByPolicy, policyFor } from './policy.js';

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
 * Changes the status with an UPDATE guarded by the allowed source statuses (and, given one, the
 * version a FHIR If-Match names), in one statement with the step's event: one round trip for
 * staff; a doctor or patient is first authorized against the row read before (two). Of two racing
 * transitions one wins and the other gets 409 ILLEGAL_TRANSITION.
 */
async function transition(
  ctx: AppointmentsContext,
  actor: Actor,
  id: string,
  step: Transition,
  changes: Partial<AppointmentRow> = {},
  expectedVersion?: number,
): Promise<AppointmentRow> {
  requireRole(actor.principal, ...step.roles);
  // Whoever needs nothing of the row to be allowed (staff), and whom the step's policy does not
  // bind, has the guarded statement as the only round trip; only a refusal reads the row, to say why.
  const needsRow = !authorizedWithoutRow(actor.principal) || (step.policyCheck !== undefined && boundByPolicy(actor.principal));
  if (!needsRow) return changeStatus(ctx, actor, id, step, changes, expectedVersion);
  const current = await findAppointment(ctx.db, id);
  if (!current) throw notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  // The policy (only patients' cancellations read it) is read while patient says who owns the record.
  const [, policy] = await Promise.all([
    authorizeAppointment(ctx, actor, current, step.roles),
    step.policyCheck ? policyFor(ctx, actor.principal) : undefined,
  ]);
  assertVersion(current, expectedVersion);
  if (!step.from.includes(current.status)) throw illegalTransition(current.status, step.verb);
  step.policyCheck?.(policy, current, ctx.now());
  return changeStatus(ctx, actor, id, step, changes, expectedVersion);
}

/** The status change and its event, in one statement; when nothing matched, one read names why (404, 412, or the status it is in). */
async function changeStatus(
  ctx: AppointmentsContext,
  actor: Actor,
  id: string,
  step: Transition,
  changes: Partial<AppointmentRow>,
  expectedVersion: number | undefined,
) {
  const event = step.event && { type: step.event, requestId: actor.requestId };
  const changed = await updateStatusAnnounced(ctx.db, id, step.from, { ...changes, status: step.to }, event, expectedVersion);
  if (changed) return changed;
  throw await whyRefused(ctx, id, step.verb, expectedVersion);
}

/** 412 when a FHIR update's If-Match names a version the appointment has moved on from. */
const staleVersion = (row: AppointmentRow, expectedVersion: number | undefined) =>
  expectedVersion !== undefined && row.version !== expectedVersion
    ? preconditionFailed(`Appointment ${row.id} is at version ${row.version}, not ${expectedVersion}`, 'VERSION_CONFLICT')
    : undefined;

export function assertVersion(row: AppointmentRow, expectedVersion: number | undefined): void {
  const stale = staleVersion(row, expectedVersion);
  if (stale) throw stale;
}

/** A guarded change matched nothing: one read says whether the appointment is missing, changed since, or in which status it is. */
export async function whyRefused(ctx: AppointmentsContext, id: string, verb: string, expectedVersion?: number) {
  const now = await findAppointment(ctx.db, id);
  if (!now) return notFound(`Appointment ${id} not found`, 'APPOINTMENT_NOT_FOUND');
  return staleVersion(now, expectedVersion) ?? illegalTransition(now.status, verb);
}

export const checkInAppointment = (ctx: AppointmentsContext, actor: Actor, id: string, expectedVersion?: number) =>
  transition(ctx, actor, id, transitions.checkIn, {}, expectedVersion);

export const completeAppointment = (ctx: AppointmentsContext, actor: Actor, id: string, expectedVersion?: number) =>
  transition(ctx, actor, id, transitions.complete, {}, expectedVersion);

export const markNoShow = (ctx: AppointmentsContext, actor: Actor, id: string, expectedVersion?: number) =>
  transition(ctx, actor, id, transitions.noShow, {}, expectedVersion);

/** Frees the slot at commit (CANCELLED is outside the exclusion constraints). */
export const cancelAppointment = (ctx: AppointmentsContext, actor: Actor, id: string, input: CancelInput, expectedVersion?: number) =>
  transition(
    ctx,
    actor,
    id,
    transitions.cancel,
    { cancellationReason: input.reason || null, cancelledBy: actor.principal.userId },
    expectedVersion,
  );
