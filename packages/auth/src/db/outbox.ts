import { writeEvent } from '@pms/platform/db';
import type { Executor } from './database.js';
import type { UserRow } from './schema.js';

const source = 'auth';

/** Queues the verification mail in the caller's transaction: sent if and only if it commits. */
export async function recordVerificationRequested(
  tx: Executor,
  user: UserRow,
  verification: { token: string; link: string; expiresAt: Date },
  requestId?: string,
): Promise<void> {
  await writeEvent(tx, {
    type: 'EmailVerificationRequested',
    subject: user.id,
    source,
    requestId,
    data: {
      userId: user.id,
      email: user.email,
      name: user.name,
      token: verification.token,
      link: verification.link,
      expiresAt: verification.expiresAt.toISOString(),
    },
  });
}

export async function recordTokensRevoked(
  tx: Executor,
  userId: string,
  notBefore: number,
  reason: 'LOGOUT' | 'DISABLED' | 'DELETED',
  requestId?: string,
): Promise<void> {
  await writeEvent(tx, { type: 'UserTokensRevoked', subject: userId, source, requestId, data: { userId, notBefore, reason } });
}
