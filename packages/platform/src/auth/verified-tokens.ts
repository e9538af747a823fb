import type { Principal } from './principal.js';

/** What a verified access token says, kept so the next request with the same token skips the checks. */
export interface VerifiedToken {
  principal: Readonly<Principal>;
  /** Seconds since the epoch, from the token: needed for revocation and expiry on every request. */
  issuedAt: number;
  expiresAt: number;
}

/**
 * Access tokens already verified, by their exact text. The same token arrives with every request
 * of a session, at the gateway and again at the service, and checking its signature and claims
 * each time was a visible share of a request's CPU. An entry counts only until the token's `exp`
 * (revocation is still checked on every request, by the caller); the oldest entries go first once
 * `capacity` is reached, so memory stays bounded whatever the callers send.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly capacity = 10_000) {}

  /** The token's claims if it was verified and has not expired since; undefined otherwise. */
  get(token: string, nowMs = Date.now()): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt * 1000 <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, entry: VerifiedToken): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
