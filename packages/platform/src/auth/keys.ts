import type { JsonWebKey } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { unavailable } from '../errors.js';

export type TokenKeySource = { jwks: { keys: JsonWebKey[] } } | { jwksUrl: string };

interface Jwk extends JsonWebKey {
  kid?: string;
}

/**
 * Public keys (as PEM, ready for the verifier: exported once, not per request) by `kid`. Keys from a URL are cached and
 * refetched when an unknown kid shows up (key rotation), at most once per `refetchMs`.
 */
export class PublicKeyStore {
  private keys = new Map<string, string>();
  private lastFetch = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly source: TokenKeySource,
    private readonly refetchMs = 10_000,
  ) {
    if ('jwks' in source) this.load(source.jwks.keys);
  }

  async get(kid: string | undefined): Promise<string | undefined> {
    if (!kid) return undefined;
    const known = this.keys.get(kid);
    if (known || 'jwks' in this.source) return known;
    if (Date.now() - this.lastFetch > this.refetchMs || this.keys.size === 0) await this.refresh(this.source.jwksUrl);
    return this.keys.get(kid);
  }

  private refresh(url: string): Promise<void> {
    this.inflight ??= this.fetchKeys(url).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchKeys(url: string): Promise<void> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { keys?: Jwk[] };
      this.load(body.keys ?? []);
      this.lastFetch = Date.now();
    } catch (error) {
      throw unavailable('Cannot fetch the token signing keys from auth', 'AUTH_KEYS_UNAVAILABLE', error);
    }
  }

  private load(keys: Jwk[]): void {
    for (const jwk of keys) {
      if (!jwk.kid) continue;
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      this.keys.set(jwk.kid, key.export({ type: 'spki', format: 'pem' }).toString());
    }
  }
}
