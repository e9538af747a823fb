import { forbidden, isStaff, type Principal } from '@pms/platform/domain';
import type { PatientDirectory } from './patient-directory.js';

/**
 * Who may see a patient's billing: staff and admins all of it, a patient user only the record
 * they own (the patient service is the authority on ownership), doctors none.
 */
export class BillingAccess {
  constructor(private readonly patients: PatientDirectory) {}

  /** The roles that see any billing at all; ownership is checked separately. */
  assertRole(principal: Principal): void {
    if (!isStaff(principal) && principal.role !== 'patient') {
      throw forbidden('Billing is visible to staff, admins and the patient only');
    }
  }

  async assertCanRead(principal: Principal, patientId: string, requestId: string): Promise<void> {
    this.assertRole(principal);
    if (isStaff(principal)) return;
    const owner = await this.patients.ownerOf(patientId, requestId);
    if (owner !== principal.userId) throw forbidden('This billing information belongs to another patient', 'NOT_OWNER');
  }
}
