import { notFound, requireRole, type Actor } from '@pms/platform/domain';
import { findNotification, findNotifications } from '../db/notifications.js';
import type { NotificationRow } from '../db/schema.js';
import type { NotificationContext } from './context.js';

// The notification log as what was said to patients (FHIR's Communication). Staff and admins see
// every message, as in GET /api/notifications; a patient user sees the messages about the patient
// records they own, by the owner notification copies from patient-events (PatientCreated/Updated,
// cleared by PatientDeleted): anyone else's are not there for them. Doctors see none.

const readers = ['admin', 'staff', 'patient'] as const;

/** The caller's user id when only their own patients' messages are theirs to see. */
const ownerFilter = (actor: Actor) => (actor.principal.role === 'patient' ? actor.principal.userId : undefined);

export async function getCommunication(ctx: NotificationContext, actor: Actor, id: string): Promise<NotificationRow> {
  requireRole(actor.principal, ...readers);
  const row = await findNotification(ctx.db, id, ownerFilter(actor));
  if (!row) throw notFound(`Communication ${id} not found`, 'COMMUNICATION_NOT_FOUND');
  return row;
}

/** Messages (about the patient, when given), newest first, one page and the total. */
export async function findCommunications(
  ctx: NotificationContext,
  actor: Actor,
  patientId: string | undefined,
  page: { limit: number; offset: number },
): Promise<{ rows: NotificationRow[]; total: number }> {
  requireRole(actor.principal, ...readers);
  return findNotifications(ctx.db, { patientId, ownedBy: ownerFilter(actor), ...page });
}
