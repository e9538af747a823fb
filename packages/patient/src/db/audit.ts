import type { AuditAction } from '@pms/contracts';
import { count, desc, eq } from 'drizzle-orm';
import type { Executor } from './database.js';
import { auditLog, type AuditRow } from './schema.js';

export interface NewAuditEntry {
  patientId: string;
  actorId: string;
  actorRole: string;
  action: AuditAction;
  requestId: string | null;
  /** MERGE: the other record of the merge. */
  relatedPatientId?: string | null;
}

export async function insertAuditEntries(db: Executor, entries: NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(entries);
}

export interface AuditFilter {
  patientId?: string;
  page: number;
  pageSize: number;
}

/** Newest first. */
export async function listAuditEntries(db: Executor, filter: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  const where = filter.patientId ? eq(auditLog.patientId, filter.patientId) : undefined;
  const rows = await db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  const [counted] = await db.select({ total: count() }).from(auditLog).where(where);
  return { rows, total: counted?.total ?? 0 };
}
