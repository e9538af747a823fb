import type { JsonWebKey } from 'node:crypto';
import type { Role } from '@pms/contracts';
import { createSigner } from 'fast-jwt';
import { generateKeyPairSync, randomUUID } from 'node:crypto';

export interface TestTokenIssuer {
  /** Pass to createService({authentication: {keys: {jwks}}}) or as AUTH_JWKS. */
  jwks: { keys: JsonWebKey[] };
  issuer: string;
  audience: string;
  /** A valid access token for a user of this role; its email counts as verified unless `email_verified: false`. */
  token(
    claims: { role: Role; sub?: string; doctorId?: string; email?: string; email_verified?: boolean },
    options?: { expiresInMs?: number },
  ): string;
  /** Signs any payload (for expired, foreign-issuer or claim-less tokens); `expiresInMs: null` leaves out `exp`. */
  signRaw(payload: Record<string, unknown>, options?: { expiresInMs?: number | null; kid?: string }): string;
}

/** A throwaway Ed25519 key pair that tests sign access tokens with, as auth would. */
export function createTestTokenIssuer(issuer = 'pms-auth', audience = 'pms'): TestTokenIssuer {
  const kid = `test-${randomUUID()}`;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
  const signRaw: TestTokenIssuer['signRaw'] = (payload, options = {}) =>
    createSigner({
      key: pem,
      algorithm: 'EdDSA',
      kid: options.kid ?? kid,
      ...(options.expiresInMs === null ? {} : { expiresIn: options.expiresInMs ?? 15 * 60_000 }),
    })(payload);
  return {
    jwks: { keys: [jwk] },
    issuer,
    audience,
    signRaw,
    token: (claims, options) => signRaw({ sub: randomUUID(), iss: issuer, aud: audience, email_verified: true, ...claims }, options),
  };
}
