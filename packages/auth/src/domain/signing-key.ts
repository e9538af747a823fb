import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export type SigningAlgorithm = 'EdDSA' | 'RS256';

/** The private key access tokens are signed with, and its public half as a JWK. */
export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKey: KeyObject;
  publicJwk: JsonWebKey & { kty: string; kid: string; alg: SigningAlgorithm; use: 'sig' };
}

/** Ed25519 preferred; RSA accepted for environments whose key tooling has no EdDSA. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const algorithm = algorithmOf(privateKey);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const kid = thumbprint(jwk);
  return { kid, algorithm, privateKey, publicJwk: { ...jwk, kty: String(jwk.kty), kid, alg: algorithm, use: 'sig' } };
}

function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  throw new Error(`Unsupported signing key type ${key.asymmetricKeyType ?? 'unknown'}: use Ed25519 (or RSA)`);
}

/** RFC 7638 thumbprint: the same key always gets the same kid, across restarts and replicas. */
function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
