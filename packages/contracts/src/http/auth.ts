import { z } from 'zod';
import { normalizedEmail as email, Role, text, uuid } from '../common.js';

const password = text().min(8, 'must be at least 8 characters').max(256);

export const RegisterBody = z.object({ email, password, name: text().trim().min(1).max(200).optional() });
export const LoginBody = z.object({ email, password: text().min(1).max(256) });
export const RefreshBody = z.object({ refreshToken: text().min(1).max(512) });
export const CreateUserBody = z.object({
  email,
  password,
  name: text().trim().min(1).max(200).optional(),
  role: z.enum(['admin', 'staff', 'doctor']),
  doctorId: uuid.optional(),
});

export const User = z
  .object({
    id: uuid,
    email: z.string(),
    name: z.string().nullable(),
    role: Role,
    doctorId: uuid.nullable(),
    emailVerified: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });

/** POST /auth/verify-email: the token from the verification email. */
export const VerifyEmailBody = z.object({ token: z.string().min(20).max(200).regex(/^[\w-]+$/, 'must be the token from the email') });
/** GET /auth/users (staff, admin): find accounts, e.g. to link a patient record to one. */
export const UserListQuery = z.object({ email: email.optional() });
export const UserList = z.object({ items: z.array(User) });
export const UserIdParams = z.object({ id: uuid });
export type User = z.infer<typeof User>;

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});
export type TokenPair = z.infer<typeof TokenPair>;

/** Claims of an access token beyond the registered ones. */
export const AccessTokenClaims = z.object({
  sub: uuid,
  role: Role,
  email: z.string().optional(),
  /** Whether the account proved its email (a patient needs it to create or claim a record). */
  email_verified: z.boolean().optional(),
  doctorId: uuid.optional(),
  /** Required: a token without them is never accepted (issue 10). */
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** GET /auth/.well-known/jwks.json: the public keys that verify access tokens (RFC 7517). */
export const JsonWebKeySet = z
  .object({
    keys: z.array(
      z.object({
        kty: z.string(),
        kid: z.string(),
        alg: z.string().optional(),
        use: z.string().optional(),
        crv: z.string().optional(),
        x: z.string().optional(),
        n: z.string().optional(),
        e: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'JsonWebKeySet' });
export type JsonWebKeySet = z.infer<typeof JsonWebKeySet>;
