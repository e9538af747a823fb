import type { AppointmentMergeResult } from '@pms/contracts';
import { AppError, badInput, requireRole, type Actor } from '@pms/platform/domain';
import { clashesAfterRefusal, moveAppointments, type Clash } from '../db/patient-merges.js';
import type { AppointmentsContext } from './context.js';

const overlap = (clashes: Clash[]) =>
  new AppError(
    'CONFLICT',
    `The two records have ${clashes.length} overlapping appointment(s): cancel or reschedule one of each pair, then merge`,
    'APPOINTMENTS_OVERLAP',
    clashes.map((clash) => ({
      field: `appointments.${clash.duplicateAppointmentId}`,
      message: `overlaps appointment ${clash.survivorAppointmentId} of the survivor (${clash.startsAt} to ${clash.endsAt})`,
    })),
  );

/**
 * patient's merge, appointment's part (staff, admin): the duplicate's appointments move to the
 * survivor, or nothing moves and the overlaps are named. Idempotent: the second call finds
 * nothing left of the duplicate. From here on a booking for the duplicate lands on the survivor.
 */
export async function mergePatientAppointments(
  ctx: AppointmentsContext,
  actor: Actor,
  merge: { survivorId: string; duplicateId: string },
): Promise<AppointmentMergeResult> {
  requireRole(actor.principal, 'admin', 'staff');
  const { survivorId, duplicateId } = merge;
  if (survivorId === duplicateId) throw badInput('A record cannot be merged into itself', [{ field: 'duplicateId', message: 'must differ from survivorId' }]);
  try {
    const outcome = await ctx.db.transaction((tx) => moveAppointments(tx, survivorId, duplicateId));
    if ('clashes' in outcome) throw overlap(outcome.clashes);
    return outcome;
  } catch (error) {
    const clashes = await clashesAfterRefusal(ctx.db, error, survivorId, duplicateId);
    if (clashes) throw overlap(clashes);
    throw error;
  }
}
