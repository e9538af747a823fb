import type { Executor } from '@pms/platform';
import { inArray, sql } from 'drizzle-orm';
import { loginAttempts } from './schema.js';

export interface AttemptWindow {
  key: string;
  count: number;
  resetAt: Date;
}

/**
 * Counts one attempt against each key in one statement (a fixed window per key, restarted
 * once it has passed) and returns the counts after it. Concurrent attempts on any auth
 * replica serialize on the row, so the limit holds across replicas.
 */
export async function countAttempts(db: Executor, keys: string[], windowMs: number): Promise<AttemptWindow[]> {
  const resetAt = sql`now() + make_interval(secs => ${windowMs / 1000})`;
  return db
    .insert(loginAttempts)
    .values(keys.map((key) => ({ key, count: 1, resetAt: sql`${resetAt}` as unknown as Date })))
    .onConflictDoUpdate({
      target: loginAttempts.key,
      set: {
        count: sql`case when ${loginAttempts.resetAt} <= now() then 1 else ${loginAttempts.count} + 1 end`,
        resetAt: sql`case when ${loginAttempts.resetAt} <= now() then ${resetAt} else ${loginAttempts.resetAt} end`,
      },
    })
    .returning({ key: loginAttempts.key, count: loginAttempts.count, resetAt: loginAttempts.resetAt });
}

/** A successful login gives its attempt back: only failures use up the budget. */
export async function refundAttempts(db: Executor, keys: string[]): Promise<void> {
  await db
    .update(loginAttempts)
    .set({ count: sql`greatest(${loginAttempts.count} - 1, 0)` })
    .where(inArray(loginAttempts.key, keys));
}

/** Expired windows: kept small by a sweep now and then. */
export async function deleteExpiredAttempts(db: Executor): Promise<void> {
  await db.delete(loginAttempts).where(sql`${loginAttempts.resetAt} <= now()`);
}
