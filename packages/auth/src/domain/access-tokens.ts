import type { AccessTokenClaims } from '@pms/contracts';
import { randomUUID, sign } from 'node:crypto';
import type { SigningKey } from './signing-key.js';

/** What the caller chooses; auth adds iss, aud, iat, exp and jti. */
export type SignedClaims = Omit<AccessTokenClaims, 'iss' | 'aud' | 'iat' | 'exp'>;

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs access tokens (compact JWS) with auth's private key; services verify them with the JWKS. */
export class AccessTokenSigner {
  private readonly encodedHeader: string;

  constructor(
    private readonly key: SigningKey,
    private readonly options: AccessTokenOptions,
  ) {
    this.encodedHeader = encode({ alg: key.algorithm, typ: 'JWT', kid: key.kid });
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /**
   * `notBefore` is the user's revocation bound: a token issued in the same second as a
   * revocation gets that bound as its `iat` (at most a second ahead), so it stays valid while
   * the revoked ones (iat below it) do not.
   */
  sign(claims: SignedClaims, notBefore = 0): string {
    const issuedAt = Math.max(Math.floor(Date.now() / 1000), notBefore);
    const payload = encode({
      ...claims,
      iss: this.options.issuer,
      aud: this.options.audience,
      iat: issuedAt,
      exp: issuedAt + this.options.ttlSeconds,
      jti: randomUUID(),
    });
    const signingInput = `${this.encodedHeader}.${payload}`;
    // Ed25519 hashes internally (digest null); RS256 is RSASSA-PKCS1-v1_5 with SHA-256.
    const digest = this.key.algorithm === 'EdDSA' ? null : 'sha256';
    const signature = sign(digest, Buffer.from(signingInput), this.key.privateKey).toString('base64url');
    return `${signingInput}.${signature}`;
  }
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
