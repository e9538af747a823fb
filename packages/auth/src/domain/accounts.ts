import type { User } from '@pms/contracts';
import { conflict, notFound, requireRole, type Principal } from '@pms/platform/domain';
import type { Database } from '../db/database.js';
import { findUserByEmail, findUserById, insertUser, type NewUser } from '../db/users.js';
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

/** Who may hold an account, and how accounts come to be. */
export class Accounts {
  constructor(private readonly db: Database) {}

  /** Self-registration: always a patient, whatever else the caller asked for. */
  register(input: Registration): Promise<User> {
    return this.create({ email: input.email, password: input.password, name: input.name, role: 'patient' });
  }

  /** Staff, doctor and admin accounts are made by an admin only. */
  createByAdmin(principal: Principal, input: StaffAccount): Promise<User> {
    requireRole(principal, 'admin');
    return this.create(input);
  }

  async get(id: string): Promise<User> {
    const row = await findUserById(this.db, id);
    if (!row) throw notFound('User not found', 'USER_NOT_FOUND');
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
