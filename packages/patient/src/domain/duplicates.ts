import type { DuplicatePair, PossibleDuplicate } from '@pms/contracts';
import { badInput, notFound, requireRole, type Actor } from '@pms/platform/domain';
import { insertAuditEntries } from '../db/audit.js';
import { findDuplicatePairs, findDuplicatesOf, markNotDuplicate } from '../db/duplicates.js';
import type { PatientContext } from './context.js';
import { auditActor, toPatient } from './records.js';

/** How many suggestions one record's page shows: the best few are what staff act on. */
const suggestionsShown = 20;

/** The likely duplicates of a live record, best first, with their reasons (staff, admin). */
export async function possibleDuplicates(ctx: PatientContext, actor: Actor, id: string): Promise<{ items: PossibleDuplicate[] }> {
  requireRole(actor.principal, 'admin', 'staff');
  const found = await findDuplicatesOf(ctx.db, id, suggestionsShown, auditActor(actor));
  if (!found) throw notFound(`Patient ${id} not found (or merged)`, 'PATIENT_NOT_FOUND');
  return { items: found.map(({ patient, comparison }) => ({ patient: toPatient(patient), ...comparison })) };
}

/** Every likely pair of the clinic, best first, a page at a time (staff, admin). */
export async function duplicatePairs(ctx: PatientContext, actor: Actor, request: { page: number; pageSize: number }) {
  requireRole(actor.principal, 'admin', 'staff');
  const { pageSize, page } = request;
  const { pairs, total } = await findDuplicatePairs(ctx.db, { limit: pageSize, offset: (page - 1) * pageSize }, auditActor(actor));
  const items: DuplicatePair[] = pairs.map(({ first, second, comparison }) => ({ first: toPatient(first), second: toPatient(second), ...comparison }));
  return { items, page, pageSize, total };
}

/** Staff say the two records are two people: the pair is no longer suggested. */
export async function markNotDuplicates(ctx: PatientContext, actor: Actor, id: string, otherId: string): Promise<void> {
  requireRole(actor.principal, 'admin', 'staff');
  if (id === otherId) throw badInput('A record is not a pair with itself', [{ field: 'otherId', message: 'must differ from the record' }]);
  if (!(await markNotDuplicate(ctx.db, id, otherId, actor.principal.userId))) throw notFound('Patient not found', 'PATIENT_NOT_FOUND');
  const { actorId, actorRole, requestId } = auditActor(actor);
  await insertAuditEntries(ctx.db, [
    { patientId: id, actorId, actorRole, requestId, action: 'UPDATE', relatedPatientId: otherId },
    { patientId: otherId, actorId, actorRole, requestId, action: 'UPDATE', relatedPatientId: id },
  ]);
}
