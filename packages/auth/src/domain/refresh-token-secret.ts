import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits: opaque to the client, never stored in the clear. */
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');

/** SHA-256 is enough here (unlike passwords): the token is high-entropy, not guessable. */
export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
