import type { User } from '@pms/contracts';
import { badInput, conflict, notFound, requireRole, type Actor } from '@pms/platform/domain';
import type { Executor } from '../db/database.js';
import { recordTokensRevoked } from '../db/outbox.js';
import { revokeUserSessions } from '../db/refresh-tokens.js';
import { deleteUser, findUserByEmail, findUserById, insertUser, listUsers, revokeUserTokens, setDisabled, type NewUser } from '../db/users.js';
import type { AuthContext } from './context.js';
import { startEmailVerification } from './email-verification.js';
import { hashPassword } from './passwords.js';
import { toUser } from './users.js';

// Who may hold an account, how accounts come to be, and how they end.

export interface Registration {
  email: string;
  password: string;
  name?: string;
}

export interface StaffAccount extends Registration {
  role: 'admin' | 'staff' | 'doctor';
  doctorId?: string;
}

export type AdminSeedOutcome = 'created' | 'exists' | 'email-taken-by-non-admin';

const userNotFound = () => notFound('User not found', 'USER_NOT_FOUND');

/**
 * Self-registration: always a patient, whatever else the caller asked for. The account and
 * its verification email commit together: until the email is proven, the account cannot
 * create or claim a patient record.
 */
export async function registerPatientAccount(ctx: AuthContext, input: Registration, requestId?: string): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    const row = await insertUser(tx, { email: input.email, passwordHash, name: input.name ?? null, role: 'patient' });
    if (!row) throw conflict('Email is already registered', 'EMAIL_TAKEN');
    await startEmailVerification(tx, row, ctx.verification, requestId);
    return toUser(row);
  });
}

/** Staff and admins look accounts up, e.g. to link a patient record to one. */
export async function listAccounts(ctx: AuthContext, actor: Actor, filter: { email?: string }): Promise<{ items: User[] }> {
  requireRole(actor.principal, 'admin', 'staff');
  return { items: (await listUsers(ctx.db, filter)).map(toUser) };
}

/** Staff and admins name an account they know by id (the actor of an audit entry). */
export async function readAccount(ctx: AuthContext, actor: Actor, id: string): Promise<User> {
  requireRole(actor.principal, 'admin', 'staff');
  const row = await findUserById(ctx.db, id);
  if (!row) throw userNotFound();
  return toUser(row);
}

/** Disabling revokes the user's tokens at once; enabling lets them log in again. */
export async function setAccountDisabled(ctx: AuthContext, actor: Actor, id: string, disabled: boolean): Promise<User> {
  requireRole(actor.principal, 'admin');
  if (disabled && id === actor.principal.userId) {
    throw badInput('An admin cannot disable their own account', [{ field: 'id', message: 'is your own account' }]);
  }
  return ctx.db.transaction(async (tx) => {
    const row = await setDisabled(tx, id, disabled);
    if (!row) throw userNotFound();
    if (disabled) await revokeAll(tx, id, 'DISABLED', actor.requestId);
    return toUser(row);
  });
}

/** Deletes the account (its sessions go with it) and revokes its access tokens everywhere. */
export async function deleteAccount(ctx: AuthContext, actor: Actor, id: string): Promise<void> {
  requireRole(actor.principal, 'admin');
  if (id === actor.principal.userId) throw badInput('An admin cannot delete their own account', [{ field: 'id', message: 'is your own account' }]);
  await ctx.db.transaction(async (tx) => {
    // Revoked first: the event must name a bound even though the row is about to go.
    await revokeAll(tx, id, 'DELETED', actor.requestId);
    if (!(await deleteUser(tx, id))) throw userNotFound();
  });
}

/** Staff, doctor and admin accounts are made by an admin only. */
export async function createStaffAccount(ctx: AuthContext, actor: Actor, input: StaffAccount): Promise<User> {
  requireRole(actor.principal, 'admin');
  return createAccount(ctx.db, input);
}

/** The caller's own account. */
export async function readOwnAccount(ctx: AuthContext, actor: Actor): Promise<User> {
  const row = await findUserById(ctx.db, actor.principal.userId);
  if (!row) throw userNotFound();
  return toUser(row);
}

/** Idempotent: creates the admin on first start and leaves it (and its password) alone after. */
export async function seedAdmin(ctx: Pick<AuthContext, 'db'>, email: string, password: string): Promise<AdminSeedOutcome> {
  const existing = await findUserByEmail(ctx.db, email);
  if (existing) return existing.role === 'admin' ? 'exists' : 'email-taken-by-non-admin';
  const row = await insertUser(ctx.db, { email, passwordHash: await hashPassword(password), role: 'admin' });
  return row ? 'created' : 'exists';
}

async function createAccount(db: Executor, input: Registration & Pick<NewUser, 'role' | 'doctorId'>): Promise<User> {
  const row = await insertUser(db, {
    email: input.email,
    passwordHash: await hashPassword(input.password),
    name: input.name ?? null,
    role: input.role,
    doctorId: input.doctorId ?? null,
  });
  if (!row) throw conflict('Email is already registered', 'EMAIL_TAKEN');
  return toUser(row);
}

async function revokeAll(tx: Executor, userId: string, reason: 'DISABLED' | 'DELETED', requestId?: string): Promise<void> {
  await revokeUserSessions(tx, userId);
  const notBefore = await revokeUserTokens(tx, userId);
  if (notBefore) await recordTokensRevoked(tx, userId, notBefore, reason, requestId);
}
