import type { TokenPair } from '@pms/contracts';
import { forbidden, unauthenticated } from '@pms/platform/domain';
import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/database.js';
import { recordTokensRevoked } from '../db/outbox.js';
import { findRefreshToken, insertRefreshToken, markRotated, revokeFamily } from '../db/refresh-tokens.js';
import type { UserRow } from '../db/schema.js';
import { findUserByEmail, findUserById, revokeUserTokens } from '../db/users.js';
import type { AuthContext } from './context.js';
import { hashOpaqueSecret as hashRefreshToken, newOpaqueSecret as newRefreshToken } from './opaque-secrets.js';
import { claimsOf } from './users.js';

// Login, refresh-token rotation with reuse detection, and logout.

export interface Credentials {
  email: string;
  password: string;
  /** The caller's address, for the per-address login budget. */
  address: string;
}

const badCredentials = () => unauthenticated('Invalid email or password', 'INVALID_CREDENTIALS');

export async function login(ctx: AuthContext, { email, password, address }: Credentials): Promise<TokenPair> {
  const attempt = await ctx.throttle.begin(email, address);
  const user = await findUserByEmail(ctx.db, email);
  // Unknown email and wrong password do the same work and get the same answer.
  const valid = await ctx.passwords.verify(user?.passwordHash, password);
  if (!user || !valid) throw badCredentials();
  await attempt.succeeded();
  if (user.disabledAt) throw forbidden('This account is disabled', 'ACCOUNT_DISABLED');
  return issueTokens(ctx, ctx.db, user, randomUUID());
}

/**
 * Trades a refresh token for a new pair. A token that was already rotated means it leaked
 * (or was replayed): the whole family is revoked, so the thief's and the owner's newest
 * tokens both stop working.
 */
export async function refreshSession(ctx: AuthContext, refreshToken: string): Promise<TokenPair> {
  const tokenHash = hashRefreshToken(refreshToken);
  const outcome = await ctx.db.transaction(async (tx) => {
    const current = await markRotated(tx, tokenHash);
    if (current) {
      const user = await findUserById(tx, current.userId);
      return user && !user.disabledAt ? await issueTokens(ctx, tx, user, current.familyId) : 'invalid';
    }
    const known = await findRefreshToken(tx, tokenHash);
    if (known?.rotatedAt) {
      await revokeFamily(tx, known.familyId);
      return 'reused';
    }
    return 'invalid';
  });
  if (outcome === 'reused') throw unauthenticated('Refresh token was already used; the session is revoked', 'REFRESH_TOKEN_REUSED');
  if (outcome === 'invalid') throw unauthenticated('Invalid, expired or revoked refresh token', 'INVALID_REFRESH_TOKEN');
  return outcome;
}

/**
 * Ends the session the token belongs to and revokes the user's access tokens issued so far
 * (every service drops them within seconds; other sessions refresh quietly). Unknown tokens
 * are ignored: there is nothing to end.
 */
export async function logout(ctx: AuthContext, refreshToken: string, requestId?: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const known = await findRefreshToken(tx, hashRefreshToken(refreshToken));
    if (!known || known.revokedAt) return;
    await revokeFamily(tx, known.familyId);
    const notBefore = await revokeUserTokens(tx, known.userId);
    if (notBefore) await recordTokensRevoked(tx, known.userId, notBefore, 'LOGOUT', requestId);
  });
}

async function issueTokens(ctx: AuthContext, db: Executor, user: UserRow, familyId: string): Promise<TokenPair> {
  const refreshToken = newRefreshToken();
  await insertRefreshToken(db, {
    userId: user.id,
    familyId,
    tokenHash: hashRefreshToken(refreshToken),
    expiresAt: new Date(Date.now() + ctx.refreshTtlSeconds * 1000),
  });
  return {
    accessToken: ctx.signer.sign(claimsOf(user), user.tokensNotBefore ?? 0),
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: ctx.signer.ttlSeconds,
  };
}
