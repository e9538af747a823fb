import type { Executor } from '@pms/platform';
import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { notifications, patientContacts, type NewNotificationRow, type NotificationRow } from './schema.js';

export type { Executor };

/** Inserts the messages; a message already logged for (event, channel, recipient) is skipped. */
export async function insertNotifications(db: Executor, rows: NewNotificationRow[]): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  return db.insert(notifications).values(rows).onConflictDoNothing().returning();
}

export interface NotificationFilter {
  recipient?: string;
  type?: string;
  status?: NotificationRow['status'];
  /** About this patient. */
  patientId?: string;
  /** About a patient whose record this user owns (patient_contacts' copy of the owner). */
  ownedBy?: string;
  limit: number;
  offset: number;
}

const ownedBy = (userId: string) =>
  sql`exists (select 1 from ${patientContacts} where ${patientContacts.patientId} = ${notifications.patientId} and ${patientContacts.ownerUserId} = ${userId})`;

/** One message; with `owner`, only if it is about a patient that user owns. */
export async function findNotification(db: Executor, id: string, owner?: string): Promise<NotificationRow | undefined> {
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), owner === undefined ? undefined : ownedBy(owner)))
    .limit(1);
  return row;
}

export async function findNotifications(
  db: Executor,
  filter: NotificationFilter,
): Promise<{ rows: NotificationRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.recipient) conditions.push(sql`lower(${notifications.recipient}) = lower(${filter.recipient})`);
  if (filter.type) conditions.push(eq(notifications.type, filter.type));
  if (filter.status) conditions.push(eq(notifications.status, filter.status));
  if (filter.patientId) conditions.push(eq(notifications.patientId, filter.patientId));
  if (filter.ownedBy) conditions.push(ownedBy(filter.ownedBy));
  const where = and(...conditions);
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(notifications).where(where),
  ]);
  return { rows, total: counted?.total ?? 0 };
}

/**
 * Claims up to `limit` due messages for one worker: counts the attempt and leases the rows,
 * so a parallel worker (SKIP LOCKED now, lockedUntil later) never sends the same message.
 */
export async function claimDue(
  db: Executor,
  options: { limit: number; leaseMs: number; maxAttempts: number },
): Promise<NotificationRow[]> {
  const due = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        lte(notifications.nextAttemptAt, sql`now()`),
        lt(notifications.attempts, options.maxAttempts),
        or(isNull(notifications.lockedUntil), lt(notifications.lockedUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(notifications.nextAttemptAt))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  return db
    .update(notifications)
    .set({
      attempts: sql`${notifications.attempts} + 1`,
      lockedUntil: sql`now() + make_interval(secs => ${options.leaseMs / 1000})`,
    })
    .where(inArray(notifications.id, due))
    .returning();
}

/** Every message of `ids` is out: one statement for all of them (the worker records sends in batches). */
export async function markSent(db: Executor, ids: string[]): Promise<void> {
  await db.execute(sql`
    update notifications set status = 'SENT', sent_at = now(), error = null, next_attempt_at = null, locked_until = null
    where id = any(${sql.param(ids)}::uuid[])`);
}

/** Records a failed attempt; `retryInMs` undefined means no attempts are left. */
export async function markFailed(db: Executor, id: string, error: string, retryInMs: number | undefined): Promise<void> {
  await db
    .update(notifications)
    .set({
      status: 'FAILED',
      error,
      lockedUntil: null,
      nextAttemptAt: retryInMs === undefined ? null : sql`now() + make_interval(secs => ${retryInMs / 1000})`,
    })
    .where(eq(notifications.id, id));
}
