import {
  authenticationPlugin,
  RevocationList,
  createService,
  runAlongside,
  type DatabaseHandle,
  type ServiceInstance,
} from '@pms/platform';
import type { Kafka } from 'kafkajs';
import type { AuthConfig } from './config.js';
import { accessTokenSigner } from './domain/access-tokens.js';
import { seedAdmin } from './domain/accounts.js';
import type { AuthContext } from './domain/context.js';
import { loginThrottle } from './domain/login-throttle.js';
import { passwordVerifier } from './domain/passwords.js';
import type { SigningKey } from './domain/signing-key.js';
import { registerCallerRoutes } from './routes/caller.js';
import { registerPublicRoutes } from './routes/public.js';

export interface AppDeps {
  config: AuthConfig;
  /** Connected and migrated with the event tables; closed by whoever opened it. */
  database: DatabaseHandle;
  /** Publishes auth's events and reads revocations; made by whoever calls buildApp. */
  kafka: Kafka;
  signingKey: SigningKey;
}

/**
 * Users, credentials, tokens and the JWKS. Its outbox relay publishes auth-events (the
 * verification emails notification sends) and auth-revocations (which every service reads).
 */
export async function buildApp({ config, database, kafka, signingKey }: AppDeps): Promise<ServiceInstance> {
  // Auth checks its own callers' tokens against the revocations it publishes, like every service.
  const revokedUsers = new RevocationList();
  const app = await createService({
    name: 'auth',
    description: 'Users, credentials, email verification, tokens, roles and the JWKS',
    logLevel: config.LOG_LEVEL,
    trustProxy: config.TRUSTED_PROXIES,
    revocations: { kafka, list: revokedUsers },
  });

  const jwks = { keys: [signingKey.publicJwk] };
  const ctx: AuthContext = {
    db: database.db,
    verification: { ttlSeconds: config.EMAIL_VERIFICATION_TTL_SECONDS, publicUrl: config.PUBLIC_URL },
    signer: accessTokenSigner(signingKey, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    }),
    passwords: passwordVerifier(),
    throttle: loginThrottle(database.db, {
      perEmail: config.LOGIN_MAX_ATTEMPTS_PER_EMAIL,
      perAddress: config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      windowMs: config.LOGIN_RATE_WINDOW_SECONDS * 1000,
    }),
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  };

  registerPublicRoutes(app, ctx, jwks);
  // Platform's authentication guards one path prefix; auth's public and protected routes share
  // /auth, so the protected ones live in their own scope where that prefix guards only them.
  await app.register(async (scope: ServiceInstance) => {
    await scope.register(authenticationPlugin, {
      keys: { jwks },
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      protectedPrefix: '/auth',
      revocations: revokedUsers,
    });
    registerCallerRoutes(scope, ctx);
  });

  runAlongside(app, config, { database, kafka, outbox: true });

  const { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } = config;
  if (adminEmail && adminPassword) {
    app.addHook('onReady', async () => {
      const outcome = await seedAdmin(ctx, adminEmail, adminPassword);
      if (outcome === 'email-taken-by-non-admin') app.log.warn({ email: adminEmail }, 'ADMIN_EMAIL belongs to a non-admin user; no admin seeded');
      else app.log.info({ email: adminEmail, outcome }, 'demo admin');
    });
  }
  return app;
}
