import type { SchedulingPolicy } from '@pms/contracts';
import { requireRole, unprocessable, type Actor, type Principal } from '@pms/platform/domain';
import { readPolicy, writePolicy } from '../db/policy.js';
import { rolesFor } from './access.js';
import type { AppointmentsContext } from './context.js';

export async function getPolicy(ctx: AppointmentsContext, actor: Actor): Promise<SchedulingPolicy> {
  requireRole(actor.principal, ...rolesFor.read);
  return readPolicy(ctx.db);
}

/** Replaces the policy and tells doctor (whose availability for patients honours it). */
export async function putPolicy(ctx: AppointmentsContext, actor: Actor, input: SchedulingPolicy): Promise<SchedulingPolicy> {
  requireRole(actor.principal, 'admin');
  return writePolicy(ctx.db, input, actor.requestId);
}

/** Only patient users are bound; staff and admins book, cancel and move regardless. */
export const boundByPolicy = (principal: Principal) => principal.role === 'patient';

/** The policy for this caller, or undefined when it does not bind them (no query then). */
export const policyFor = (ctx: AppointmentsContext, principal: Principal): Promise<SchedulingPolicy | undefined> =>
  boundByPolicy(principal) ? readPolicy(ctx.db) : Promise.resolve(undefined);

const hourMs = 3_600_000;

/** Why a patient may not book at `startsAt`, or undefined. */
export function bookingRefusal(policy: SchedulingPolicy, startsAt: Date, now: Date): 'TOO_SHORT_NOTICE' | 'TOO_FAR_AHEAD' | undefined {
  const ahead = startsAt.getTime() - now.getTime();
  if (ahead < policy.minimumNoticeMinutes * 60_000) return 'TOO_SHORT_NOTICE';
  if (ahead > policy.maxAdvanceDays * 24 * hourMs) return 'TOO_FAR_AHEAD';
  return undefined;
}

const messages = {
  TOO_SHORT_NOTICE: (policy: SchedulingPolicy) => `Patients book at least ${policy.minimumNoticeMinutes} minutes ahead`,
  TOO_FAR_AHEAD: (policy: SchedulingPolicy) => `Patients book at most ${policy.maxAdvanceDays} days ahead`,
};

export function assertMayBook(policy: SchedulingPolicy | undefined, startsAt: Date, now: Date): void {
  if (!policy) return;
  const refusal = bookingRefusal(policy, startsAt, now);
  if (refusal) throw unprocessable(messages[refusal](policy), refusal);
}

export function assertMayCancel(policy: SchedulingPolicy | undefined, startsAt: Date, now: Date): void {
  if (policy && startsAt.getTime() - now.getTime() < policy.patientCancelCutoffHours * hourMs) {
    throw unprocessable(`Patients cancel at least ${policy.patientCancelCutoffHours} hours ahead`, 'PAST_CANCEL_CUTOFF');
  }
}

export function assertMayReschedule(policy: SchedulingPolicy | undefined, currentStart: Date, now: Date): void {
  if (policy && currentStart.getTime() - now.getTime() < policy.patientRescheduleCutoffHours * hourMs) {
    throw unprocessable(`Patients move an appointment at least ${policy.patientRescheduleCutoffHours} hours ahead`, 'PAST_RESCHEDULE_CUTOFF');
  }
}
