/**
 * Which users' access tokens were revoked, and from when: a token of the user whose `iat` is
 * below the bound no longer counts. Fed by the UserTokensRevoked events of every auth replica
 * (see events/revocation-feed.ts); entries older than any token can be are dropped.
 */
export class RevocationList {
  private readonly notBefore = new Map<string, number>();

  /** @param horizonSeconds no access token lives longer than this (auth's ACCESS_TOKEN_TTL_SECONDS, with slack) */
  constructor(private readonly horizonSeconds = 24 * 60 * 60) {}

  revoke(userId: string, notBefore: number): void {
    this.notBefore.set(userId, Math.max(notBefore, this.notBefore.get(userId) ?? 0));
  }

  isRevoked(userId: string, issuedAt: number): boolean {
    const bound = this.notBefore.get(userId);
    return bound !== undefined && issuedAt < bound;
  }

  /** Forgets bounds every token issued before them has outlived; memory stays bounded. */
  prune(nowSeconds = Math.floor(Date.now() / 1000)): void {
    for (const [userId, bound] of this.notBefore) if (bound < nowSeconds - this.horizonSeconds) this.notBefore.delete(userId);
  }

  get size(): number {
    return this.notBefore.size;
  }
}
