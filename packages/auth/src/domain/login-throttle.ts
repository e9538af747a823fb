import { AppError } from '@pms/platform/domain';
import type { Database } from '../db/database.js';
import { countAttempts, deleteExpiredAttempts, refundAttempts } from '../db/login-attempts.js';

export interface LoginThrottleLimits {
  perEmail: number;
  perAddress: number;
  windowMs: number;
}

export class TooManyLoginAttempts extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many login attempts; try again later', 'LOGIN_RATE_LIMITED');
  }
}

export interface LoginAttempt {
  /** Gives the attempt back: only failed attempts use up the budget. */
  succeeded(): Promise<void>;
}

/**
 * Fixed-window counters of login attempts per email and per caller address, kept in
 * PostgreSQL so that every auth replica counts against the same budget. An attempt is counted
 * when it starts (one statement for both keys), so concurrent guesses cannot slip past the
 * limit, and refunded when it succeeds.
 */
export function loginThrottle(db: Database, limits: LoginThrottleLimits) {
  let nextSweep = 0;
  return {
    /** Counts one attempt; throws TooManyLoginAttempts when the email or the address is out of attempts. */
    async begin(email: string, address: string): Promise<LoginAttempt> {
      const keys = { [`email:${email}`]: limits.perEmail, [`address:${address}`]: limits.perAddress };
      const windows = await countAttempts(db, Object.keys(keys), limits.windowMs);
      const blocked = windows.find((window) => window.count > (keys[window.key] ?? 0));
      if (blocked) throw new TooManyLoginAttempts(Math.max(1, Math.ceil((blocked.resetAt.getTime() - Date.now()) / 1000)));
      if (Date.now() >= nextSweep) {
        nextSweep = Date.now() + limits.windowMs;
        void deleteExpiredAttempts(db).catch(() => undefined); // housekeeping; the next sweep retries
      }
      return { succeeded: () => refundAttempts(db, Object.keys(keys)) };
    },
  };
}
export type LoginThrottle = ReturnType<typeof loginThrottle>;
