import type { Executor } from '@pms/platform';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { emailVerifications, users } from './schema.js';

export async function insertEmailVerification(
  db: Executor,
  verification: { tokenHash: string; userId: string; email: string; expiresAt: Date },
): Promise<void> {
  await db.insert(emailVerifications).values(verification);
}

/**
 * Uses a live token and marks its user's email verified, in one statement: a token works
 * once, only before it expires, and only for the email it was sent to (a changed email
 * needs a new one). Returns the user id, or undefined for an unknown, used or expired token.
 */
export async function consumeEmailVerification(db: Executor, tokenHash: string): Promise<string | undefined> {
  const used = db
    .$with('used')
    .as(
      db
        .update(emailVerifications)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(emailVerifications.tokenHash, tokenHash),
            isNull(emailVerifications.usedAt),
            gt(emailVerifications.expiresAt, sql`now()`),
          ),
        )
        .returning({ userId: emailVerifications.userId, email: emailVerifications.email }),
    );
  const [row] = await db
    .with(used)
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .from(used)
    .where(and(eq(users.id, used.userId), sql`lower(${users.email}) = lower(${used.email})`))
    .returning({ id: users.id });
  return row?.id;
}

/** A new email replaces the old ones: earlier tokens stop working. */
export async function expireEmailVerifications(db: Executor, userId: string): Promise<void> {
  await db
    .update(emailVerifications)
    .set({ usedAt: sql`now()` })
    .where(and(eq(emailVerifications.userId, userId), isNull(emailVerifications.usedAt)));
}
