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
