import type { AppointmentStatus } from '@pms/contracts';
import type { Actor } from '@pms/platform/domain';
import type { AppointmentRow } from '../db/schema.js';
import { rescheduleAppointment, type RescheduleInput } from './booking.js';
import type { AppointmentsContext } from './context.js';
import {
  assertVersion,
  cancelAppointment,
  checkInAppointment,
  completeAppointment,
  illegalTransition,
  markNoShow,
  type CancelInput,
} from './transitions.js';

/** One step of the lifecycle, as a whole-resource update (FHIR's PUT) asks for it. */
export type AppointmentChange =
  | { kind: 'none' }
  | { kind: 'cancel'; input: CancelInput }
  | { kind: 'status'; to: AppointmentStatus }
  | { kind: 'reschedule'; input: RescheduleInput };

const steps: Partial<Record<AppointmentStatus, typeof checkInAppointment>> = {
  CHECKED_IN: checkInAppointment,
  COMPLETED: completeAppointment,
  NO_SHOW: markNoShow,
};

/**
 * Applies the step through the very use case the JSON API's action calls (same roles, policy,
 * events), guarded by the If-Match version when given. Nothing to change answers the appointment
 * as it is (after the version check): a repeated update is harmless.
 */
export async function changeAppointment(
  ctx: AppointmentsContext,
  actor: Actor,
  current: AppointmentRow,
  change: AppointmentChange,
  expectedVersion?: number,
): Promise<AppointmentRow> {
  switch (change.kind) {
    case 'none':
      assertVersion(current, expectedVersion);
      return current;
    case 'cancel':
      return cancelAppointment(ctx, actor, current.id, change.input, expectedVersion);
    case 'reschedule':
      return rescheduleAppointment(ctx, actor, current.id, change.input, expectedVersion);
    case 'status': {
      const step = steps[change.to];
      // Back to BOOKED (un-cancelling, un-completing) is no step of the lifecycle.
      if (!step) throw illegalTransition(current.status, `make ${change.to}`);
      return step(ctx, actor, current.id, expectedVersion);
    }
  }
}
