import { mergeableFields, type MergeableField, type MergeSide, type PatientMergeBody, type PatientMergeResult } from '@pms/contracts';
import { badInput, conflict, notFound, requireRole, type Actor } from '@pms/platform/domain';
import { lockPair, writeMerge, type SurvivorFields } from '../db/merges.js';
import type { PatientRow } from '../db/schema.js';
import type { PatientContext } from './context.js';
import { auditActor, toPatient } from './records.js';

const columnsOfField: Record<MergeableField, (keyof SurvivorFields)[]> = {
  name: ['name'],
  email: ['email'],
  phone: ['phone'],
  address: ['address'],
  dateOfBirth: ['dateOfBirth'],
  contactPreferences: ['contactByEmail', 'contactBySms'],
};

/** The survivor's fields after the merge: each from the side `keep` names, the survivor's own by default. */
function survivorFields(survivor: PatientRow, duplicate: PatientRow, keep: Partial<Record<MergeableField, MergeSide>>): SurvivorFields {
  const fields: SurvivorFields = {
    name: survivor.name,
    email: survivor.email,
    phone: survivor.phone,
    address: survivor.address,
    dateOfBirth: survivor.dateOfBirth,
    contactByEmail: survivor.contactByEmail,
    contactBySms: survivor.contactBySms,
    // The patient user linked to either record is linked to the survivor.
    ownerUserId: survivor.ownerUserId ?? duplicate.ownerUserId,
  };
  for (const field of mergeableFields) {
    if (keep[field] !== 'duplicate') continue;
    for (const column of columnsOfField[field]) Object.assign(fields, { [column]: duplicate[column] });
  }
  return fields;
}

/**
 * Merges the duplicate into the survivor (staff, admin). Both records stay locked while appointment
 * moves the duplicate's appointments (or refuses an overlap, before anything moves anywhere), then
 * the tombstone, the survivor's chosen fields, the audit entries and the events commit together.
 * A merge that finds the duplicate already merged into the survivor changes nothing (merged: false).
 */
export async function mergePatients(
  ctx: PatientContext,
  actor: Actor,
  survivorId: string,
  body: PatientMergeBody,
  authorization: string,
): Promise<PatientMergeResult> {
  requireRole(actor.principal, 'admin', 'staff');
  const { duplicateId } = body;
  if (duplicateId === survivorId) throw badInput('A record cannot be merged into itself', [{ field: 'duplicateId', message: 'must differ from the survivor' }]);
  return ctx.db.transaction(async (tx) => {
    const { survivor, duplicate } = await lockPair(tx, survivorId, duplicateId);
    if (!survivor) throw notFound(`Patient ${survivorId} not found`, 'PATIENT_NOT_FOUND');
    if (!duplicate) throw notFound(`Patient ${duplicateId} not found`, 'PATIENT_NOT_FOUND');
    if (duplicate.mergedInto === survivorId) return { survivor: toPatient(survivor), duplicateId, merged: false, appointmentsMoved: 0 };
    if (duplicate.mergedInto) throw conflict(`Patient ${duplicateId} was merged into ${duplicate.mergedInto} already`, 'PATIENT_ALREADY_MERGED');
    if (survivor.mergedInto) throw conflict(`Patient ${survivorId} was merged into ${survivor.mergedInto}: merge into that record`, 'PATIENT_ALREADY_MERGED');
    if (survivor.ownerUserId && duplicate.ownerUserId) {
      throw conflict('Both records are linked to user accounts: unlink one first (PUT /api/patients/:id/owner)', 'BOTH_LINKED');
    }
    // Before anything is written: an overlap refuses the merge here, with nothing moved.
    const { moved } = await ctx.appointments.move({ survivorId, duplicateId }, { requestId: actor.requestId, authorization });
    const row = await writeMerge(tx, {
      survivorId,
      duplicateId,
      fields: survivorFields(survivor, duplicate, body.keep),
      movedOwnerUserId: survivor.ownerUserId ? null : duplicate.ownerUserId,
      audit: auditActor(actor),
    });
    return { survivor: toPatient(row), duplicateId, merged: true, appointmentsMoved: moved };
  });
}
