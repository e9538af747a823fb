import { defaultSchedulingPolicy, type SchedulingPolicy } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { schedulingPolicy } from './schema.js';

const columns = {
  minimumNoticeMinutes: schedulingPolicy.minimumNoticeMinutes,
  maxAdvanceDays: schedulingPolicy.maxAdvanceDays,
  patientCancelCutoffHours: schedulingPolicy.patientCancelCutoffHours,
  patientRescheduleCutoffHours: schedulingPolicy.patientRescheduleCutoffHours,
};

/** The policy in force: the stored row, or the defaults before an admin set one. */
export async function readPolicy(db: Executor): Promise<SchedulingPolicy> {
  const [row] = await db.select(columns).from(schedulingPolicy).limit(1);
  return row ?? defaultSchedulingPolicy;
}

export async function writePolicy(db: Executor, policy: SchedulingPolicy): Promise<SchedulingPolicy> {
  const [row] = await db
    .insert(schedulingPolicy)
    .values({ id: 1, ...policy })
    .onConflictDoUpdate({ target: schedulingPolicy.id, set: { ...policy, updatedAt: sql`now()` } })
    .returning(columns);
  if (!row) throw new Error('upsert returned no row');
  return row;
}
