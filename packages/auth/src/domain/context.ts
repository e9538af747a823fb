import type { Database } from '../db/database.js';
import type { AccessTokenSigner } from './access-tokens.js';
import type { VerificationSettings } from './email-verification.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordVerifier } from './passwords.js';

/** What every use case runs against; built once by buildApp. */
export interface AuthContext {
  db: Database;
  verification: VerificationSettings;
  signer: AccessTokenSigner;
  passwords: PasswordVerifier;
  throttle: LoginThrottle;
  refreshTtlSeconds: number;
}
