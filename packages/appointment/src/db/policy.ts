import { defaultSchedulingPolicy, type SchedulingPolicy } from '@pms/contracts';
import { outboxInsertFrom } from '@pms/platform/db';
import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { newEventOf } from './outbox.js';
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

/**
 * Replaces the policy and writes its SchedulingPolicyChanged event (the new policy, which is
 * what the upsert stores) in one statement: one round trip, no BEGIN or COMMIT.
 */
export async function writePolicy(db: Executor, policy: SchedulingPolicy, requestId: string): Promise<SchedulingPolicy> {
  const upserted = db.$with('upserted').as(
    db
      .insert(schedulingPolicy)
      .values({ id: 1, ...policy })
      .onConflictDoUpdate({ target: schedulingPolicy.id, set: { ...policy, updatedAt: sql`now()` } })
      .returning(columns),
  );
  const event = newEventOf('SchedulingPolicyChanged', 'scheduling-policy', policy, requestId);
  const announced = db.$with('announced').as(outboxInsertFrom('upserted', event) as never);
  const [row] = await db.with(upserted, announced).select().from(upserted);
  if (!row) throw new Error('upsert returned no row');
  return row;
}
