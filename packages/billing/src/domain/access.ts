import { forbidden, isStaff, type Actor } from '@pms/platform/domain';
import type { BillingContext } from './context.js';

// Who may see a patient's billing: staff and admins all of it, a patient user only the record
// they own (the patient service is the authority on ownership), doctors none.

/** The roles that see any billing at all; ownership is checked separately. */
export function assertSeesBilling({ principal }: Actor): void {
  if (!isStaff(principal) && principal.role !== 'patient') {
    throw forbidden('Billing is visible to staff, admins and the patient only');
  }
}

export async function assertCanRead(ctx: BillingContext, actor: Actor, patientId: string): Promise<void> {
  assertSeesBilling(actor);
  if (isStaff(actor.principal)) return;
  const owner = await ctx.patients.ownerOf(patientId, actor.requestId);
  if (owner !== actor.principal.userId) throw forbidden('This billing information belongs to another patient', 'NOT_OWNER');
}
