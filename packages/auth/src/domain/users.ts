import type { Role, User } from '@pms/contracts';
import type { UserRow } from '../db/schema.js';

/** The wire form of a user: never the password hash. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    doctorId: row.doctorId,
    emailVerified: row.emailVerifiedAt !== null,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function claimsOf(row: UserRow): { sub: string; role: Role; email: string; email_verified: boolean; doctorId?: string } {
  return {
    sub: row.id,
    role: row.role,
    email: row.email,
    email_verified: row.emailVerifiedAt !== null,
    ...(row.doctorId ? { doctorId: row.doctorId } : {}),
  };
}
