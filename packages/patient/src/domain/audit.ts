import type { AuditEntry } from '@pms/contracts';
import { requireRole, type Actor } from '@pms/platform/domain';
import { listAuditEntries } from '../db/audit.js';
import type { PatientContext } from './context.js';
import { toAuditEntry } from './records.js';

export interface AuditRequest {
  patientId?: string;
  page: number;
  pageSize: number;
}

export async function readAuditLog(ctx: PatientContext, actor: Actor, request: AuditRequest) {
  requireRole(actor.principal, 'admin');
  const { rows, total } = await listAuditEntries(ctx.db, request);
  const items: AuditEntry[] = rows.map(toAuditEntry);
  return { items, page: request.page, pageSize: request.pageSize, total };
}
