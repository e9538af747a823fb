import { writeEvent } from '@pms/platform/db';
import type { Executor } from './database.js';
import type { PatientRow } from './schema.js';

const source = 'patient';

/** The snapshot every PatientCreated/PatientUpdated carries, so consumers need no lookups. */
export const snapshotOf = (row: PatientRow) => ({
  patientId: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  address: row.address,
  dateOfBirth: row.dateOfBirth,
  ownerUserId: row.ownerUserId,
  registeredAt: row.registeredAt.toISOString(),
  contactPreferences: { email: row.contactByEmail, sms: row.contactBySms },
});

/** Queues the event in the caller's transaction: it is published if and only if the change commits. */
export async function recordPatientSaved(
  tx: Executor,
  type: 'PatientCreated' | 'PatientUpdated',
  row: PatientRow,
  requestId: string,
): Promise<void> {
  await writeEvent(tx, { type, subject: row.id, data: snapshotOf(row), source, requestId });
}

export async function recordPatientDeleted(tx: Executor, patientId: string, requestId: string): Promise<void> {
  await writeEvent(tx, { type: 'PatientDeleted', subject: patientId, data: { patientId }, source, requestId });
}
