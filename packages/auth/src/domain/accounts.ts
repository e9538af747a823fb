import type { User } from '@pms/contracts';
import { badInput, conflict, notFound, requireRole, type Principal } from '@pms/platform/domain';
import type { Database, Executor } from '../db/database.js';
import { recordTokensRevoked } from '../db/outbox.js';
import { revokeUserSessions } from '../db/refresh-tokens.js';
import { deleteUser, findUserByEmail, findUserById, insertUser, listUsers, revokeUserTokens, setDisabled, type NewUser } from '../db/users.js';
import { startEmailVerification, type VerificationSettings } from './email-verification.js';
import { hashPassword } from './passwords.js';
import { toUser } from './users.js';

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

/** Who may hold an account, how accounts come to be, and how they end. */
export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly verification: VerificationSettings,
  ) {}

  /**
   * Self-registration: always a patient, whatever else the caller asked for. The account and
   * its verification email commit together: until the email is proven, the account cannot
   * create or claim a patient record.
   */
  async register(input: Registration, requestId?: string): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      const row = await insertUser(tx, { email: input.email, passwordHash, name: input.name ?? null, role: 'patient' });
      if (!row) throw conflict('Email is already registered', 'EMAIL_TAKEN');
      await startEmailVerification(tx, row, this.verification, requestId);
      return toUser(row);
    });
  }

  /** Staff and admins look accounts up, e.g. to link a patient record to one. */
  async list(principal: Principal, filter: { email?: string }): Promise<{ items: User[] }> {
    requireRole(principal, 'admin', 'staff');
    return { items: (await listUsers(this.db, filter)).map(toUser) };
  }

  /** Disabling revokes the user's tokens at once; enabling lets them log in again. */
  async setDisabled(principal: Principal, id: string, disabled: boolean, requestId?: string): Promise<User> {
    requireRole(principal, 'admin');
    if (disabled && id === principal.userId) throw badInput('An admin cannot disable their own account', [{ field: 'id', message: 'is your own account' }]);
    return this.db.transaction(async (tx) => {
      const row = await setDisabled(tx, id, disabled);
      if (!row) throw userNotFound();
      if (disabled) await revokeAll(tx, id, 'DISABLED', requestId);
      return toUser(row);
    });
  }

  /** Deletes the account (its sessions go with it) and revokes its access tokens everywhere. */
  async delete(principal: Principal, id: string, requestId?: string): Promise<void> {
    requireRole(principal, 'admin');
    if (id === principal.userId) throw badInput('An admin cannot delete their own account', [{ field: 'id', message: 'is your own account' }]);
    await this.db.transaction(async (tx) => {
      // Revoked first: the event must name a bound even though the row is about to go.
      await revokeAll(tx, id, 'DELETED', requestId);
      if (!(await deleteUser(tx, id))) throw userNotFound();
    });
  }

  /** Staff, doctor and admin accounts are made by an admin only. */
  createByAdmin(principal: Principal, input: StaffAccount): Promise<User> {
    requireRole(principal, 'admin');
    return this.create(input);
  }

  async get(id: string): Promise<User> {
    const row = await findUserById(this.db, id);
    if (!row) throw userNotFound();
    return toUser(row);
  }

  /** Idempotent: creates the admin on first start and leaves it (and its password) alone after. */
  async seedAdmin(email: string, password: string): Promise<AdminSeedOutcome> {
    const existing = await findUserByEmail(this.db, email);
    if (existing) return existing.role === 'admin' ? 'exists' : 'email-taken-by-non-admin';
    const row = await insertUser(this.db, { email, passwordHash: await hashPassword(password), role: 'admin' });
    return row ? 'created' : 'exists';
  }

  private async create(input: Registration & Pick<NewUser, 'role' | 'doctorId'>): Promise<User> {
    const row = await insertUser(this.db, {
      email: input.email,
      passwordHash: await hashPassword(input.password),
      name: input.name ?? null,
      role: input.role,
      doctorId: input.doctorId ?? null,
    });
    if (!row) throw conflict('Email is already registered', 'EMAIL_TAKEN');
    return toUser(row);
  }
}

async function revokeAll(tx: Executor, userId: string, reason: 'DISABLED' | 'DELETED', requestId?: string): Promise<void> {
  await revokeUserSessions(tx, userId);
  const notBefore = await revokeUserTokens(tx, userId);
  if (notBefore) await recordTokensRevoked(tx, userId, notBefore, reason, requestId);
}
