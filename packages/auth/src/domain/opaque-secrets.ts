import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits (refresh tokens, email verification tokens): opaque, never stored in the clear. */
export const newOpaqueSecret = (): string => randomBytes(32).toString('base64url');

/** SHA-256 is enough here (unlike passwords): the secret is high-entropy, not guessable. */
export const hashOpaqueSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');
