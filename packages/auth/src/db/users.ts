import type { Role } from '@pms/contracts';
import type { Executor } from '@pms/platform';
import { eq, sql } from 'drizzle-orm';
import { users, type UserRow } from './schema.js';

export interface NewUser {
  email: string;
  passwordHash: string;
  name?: string | null;
  role: Role;
  doctorId?: string | null;
}

/** Inserts the user; undefined when the email is taken. */
export async function insertUser(db: Executor, user: NewUser): Promise<UserRow | undefined> {
  const [row] = await db
    .insert(users)
    .values({ ...user, email: user.email.toLowerCase() })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return row;
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function listUsers(db: Executor, filter: { email?: string }): Promise<UserRow[]> {
  const query = db.select().from(users);
  return filter.email
    ? query.where(sql`lower(${users.email}) = ${filter.email.toLowerCase()}`).limit(100)
    : query.orderBy(users.createdAt).limit(100);
}

/** Sets or clears disabled_at; undefined for an unknown user. */
export async function setDisabled(db: Executor, id: string, disabled: boolean): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ disabledAt: disabled ? sql`coalesce(${users.disabledAt}, now())` : null })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/**
 * Revokes every access token issued so far: tokens_not_before moves to the next second, so a
 * token issued in this very second (its iat) is revoked too. Returns the new bound.
 */
export async function revokeUserTokens(db: Executor, id: string): Promise<number | undefined> {
  const [row] = await db
    .update(users)
    .set({ tokensNotBefore: sql`greatest(coalesce(${users.tokensNotBefore}, 0), floor(extract(epoch from clock_timestamp()))::int + 1)` })
    .where(eq(users.id, id))
    .returning({ notBefore: users.tokensNotBefore });
  return row?.notBefore ?? undefined;
}

export async function deleteUser(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.delete(users).where(eq(users.id, id)).returning();
  return row;
}
