import type { AccessTokenClaims } from '@pms/contracts';
import { createSigner } from 'fast-jwt';
import { randomUUID } from 'node:crypto';
import type { SigningKey } from './signing-key.js';

/** What the caller chooses; auth adds iss, aud, iat, exp and jti. */
export type SignedClaims = Omit<AccessTokenClaims, 'iss' | 'aud' | 'iat' | 'exp'>;

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface AccessTokenSigner {
  ttlSeconds: number;
  /**
   * `notBefore` is the user's revocation bound: a token issued in the same second as a
   * revocation gets that bound as its `iat` (at most a second ahead), so it stays valid while
   * the revoked ones (iat below it) do not. fast-jwt counts `exp` from the `iat` it is given.
   */
  sign(claims: SignedClaims, notBefore?: number): string;
}

/**
 * Signs access tokens (compact JWS) with auth's private key, through fast-jwt: the library the
 * test token issuer uses too. Services verify them with the JWKS.
 */
export function accessTokenSigner(key: SigningKey, options: AccessTokenOptions): AccessTokenSigner {
  const signer = createSigner({
    key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    algorithm: key.algorithm,
    kid: key.kid,
    iss: options.issuer,
    aud: options.audience,
    expiresIn: options.ttlSeconds * 1000,
  });
  return {
    ttlSeconds: options.ttlSeconds,
    sign(claims, notBefore = 0) {
      const iat = Math.max(Math.floor(Date.now() / 1000), notBefore);
      return signer({ ...claims, iat, jti: randomUUID() });
    },
  };
}
