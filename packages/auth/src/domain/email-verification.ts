import { badInput, conflict, notFound, type Actor } from '@pms/platform/domain';
import type { Executor } from '../db/database.js';
import { consumeEmailVerification, expireEmailVerifications, insertEmailVerification } from '../db/email-verifications.js';
import { recordVerificationRequested } from '../db/outbox.js';
import type { UserRow } from '../db/schema.js';
import { findUserById } from '../db/users.js';
import type { AuthContext } from './context.js';
import { hashOpaqueSecret, newOpaqueSecret } from './opaque-secrets.js';

export interface VerificationSettings {
  /** How long a verification link works. */
  ttlSeconds: number;
  /** The console's address; the link is `<publicUrl>/verify-email?token=…`. */
  publicUrl: string;
}

/**
 * Starts a verification of the user's current email in the caller's transaction: a new
 * single-use token (only its hash is kept; earlier tokens stop working) and the event that
 * makes notification mail it. The mail goes out once the transaction commits.
 */
export async function startEmailVerification(tx: Executor, user: UserRow, settings: VerificationSettings, requestId?: string): Promise<void> {
  const token = newOpaqueSecret();
  const expiresAt = new Date(Date.now() + settings.ttlSeconds * 1000);
  const link = new URL(`/verify-email?token=${token}`, settings.publicUrl).toString();
  await expireEmailVerifications(tx, user.id);
  await insertEmailVerification(tx, { tokenHash: hashOpaqueSecret(token), userId: user.id, email: user.email, expiresAt });
  await recordVerificationRequested(tx, user, { token, link, expiresAt }, requestId);
}

/** The signed-in user asks for a new verification email. */
export async function resendEmailVerification(ctx: AuthContext, actor: Actor): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const user = await findUserById(tx, actor.principal.userId);
    if (!user) throw notFound('User not found', 'USER_NOT_FOUND');
    if (user.emailVerifiedAt) throw conflict('The email is already verified', 'EMAIL_ALREADY_VERIFIED');
    await startEmailVerification(tx, user, ctx.verification, actor.requestId);
  });
}

/** Follows the link of a verification email; the token works once and only before it expires. */
export async function verifyEmail(ctx: AuthContext, token: string): Promise<void> {
  const userId = await consumeEmailVerification(ctx.db, hashOpaqueSecret(token));
  if (!userId) {
    throw badInput('The verification link is invalid, used or expired', [
      { field: 'token', message: 'invalid, already used or expired; ask for a new verification email' },
    ]);
  }
}
