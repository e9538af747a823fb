import argon2 from 'argon2';
import { randomUUID } from 'node:crypto';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~30 ms a hash on a small server. */
const hashOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, hashOptions);

export interface PasswordVerifier {
  verify(storedHash: string | undefined, password: string): Promise<boolean>;
}

/**
 * Verifies a password against a stored hash. With no hash (unknown email) it verifies against
 * a throwaway hash of the same cost, so both failures take as long and answer the same.
 */
export function passwordVerifier(): PasswordVerifier {
  // Made up front so that even the first unknown-email login costs no more than a verify.
  const dummyHash = hashPassword(randomUUID());
  dummyHash.catch(() => {}); // surfaced by verify(); never an unhandled rejection
  return {
    async verify(storedHash, password) {
      if (storedHash) return argon2.verify(storedHash, password);
      await argon2.verify(await dummyHash, password);
      return false;
    },
  };
}
