import { envFragments, envHelpers, parseConfig } from '@pms/platform';
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const authEnvSchema = z
  .object({
    ...envFragments.base,
    ...envFragments.http(4005),
    ...envFragments.database,
    ...envFragments.kafka,
    JWT_ISSUER: envFragments.tokens.JWT_ISSUER,
    JWT_AUDIENCE: envFragments.tokens.JWT_AUDIENCE,
    ACCESS_TOKEN_TTL_SECONDS: positiveInt(15 * 60),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 60 * 60),
    /** PKCS#8 PEM of the Ed25519 (or RSA) signing key; `\n` escapes are accepted. */
    AUTH_PRIVATE_KEY: z.string().min(1).optional(),
    /** A PEM file holding the signing key; must exist when set. */
    AUTH_KEY_FILE: z.string().min(1).optional(),
    /** Where a development signing key is generated (and reused) when no key is configured. */
    AUTH_DATA_DIR: z.string().min(1).default('.data/auth'),
    ADMIN_EMAIL: z.email().transform((value) => value.toLowerCase()).optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    LOGIN_MAX_ATTEMPTS_PER_EMAIL: positiveInt(10),
    LOGIN_MAX_ATTEMPTS_PER_ADDRESS: positiveInt(100),
    LOGIN_RATE_WINDOW_SECONDS: positiveInt(60),
    /**
     * The proxies whose X-Forwarded-For is believed (addresses, CIDRs, or proxy-addr's names
     * `loopback`, `linklocal`, `uniquelocal`): the gateway. A direct caller's own header is
     * ignored, so per-address login limits hold for it too.
     */
    TRUSTED_PROXIES: envHelpers.list.default(['loopback']),
    /** Where users reach the console: verification links point at `<PUBLIC_URL>/verify-email`. */
    PUBLIC_URL: z.url().default('http://127.0.0.1:4004'),
    /** How long the link of a verification email works. */
    EMAIL_VERIFICATION_TTL_SECONDS: positiveInt(24 * 60 * 60),
    /** The consumer group prefix of the revocation feed (each replica adds its own id). */
    KAFKA_GROUP_ID: z.string().min(1).default('auth'),
  })
  .superRefine((env, context) => {
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      context.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'set ADMIN_EMAIL and ADMIN_PASSWORD together' });
    }
  });

export type AuthConfig = z.infer<typeof authEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): AuthConfig => parseConfig(authEnvSchema, env);
