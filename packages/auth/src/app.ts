import { authenticationPlugin, createService, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import type { AuthConfig } from './config.js';
import { AccessTokenSigner } from './domain/access-tokens.js';
import { Accounts } from './domain/accounts.js';
import { LoginThrottle } from './domain/login-throttle.js';
import { PasswordVerifier } from './domain/passwords.js';
import { Sessions } from './domain/sessions.js';
import type { SigningKey } from './domain/signing-key.js';
import { registerCallerRoutes } from './routes/caller.js';
import { registerPublicRoutes } from './routes/public.js';

export interface AppDeps {
  config: AuthConfig;
  database: DatabaseHandle;
  signingKey: SigningKey;
}

export async function buildApp({ config, database, signingKey }: AppDeps): Promise<ServiceInstance> {
  const app = await createService({
    name: 'auth',
    description: 'Users, credentials, tokens, roles and the JWKS',
    logLevel: config.LOG_LEVEL,
    trustProxy: config.TRUST_PROXY,
    readiness: { database: database.ping },
  });

  const jwks = { keys: [signingKey.publicJwk] };
  const accounts = new Accounts(database.db);
  const sessions = new Sessions({
    db: database.db,
    signer: new AccessTokenSigner(signingKey, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    }),
    passwords: new PasswordVerifier(),
    throttle: new LoginThrottle({
      perEmail: config.LOGIN_MAX_ATTEMPTS_PER_EMAIL,
      perAddress: config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      windowMs: config.LOGIN_RATE_WINDOW_SECONDS * 1000,
    }),
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  });

  registerPublicRoutes(app, { accounts, sessions, jwks });
  // Platform's authentication guards one path prefix; auth's public and protected routes share
  // /auth, so the protected ones live in their own scope where that prefix guards only them.
  await app.register(async (scope: ServiceInstance) => {
    await scope.register(authenticationPlugin, {
      keys: { jwks },
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      protectedPrefix: '/auth',
    });
    registerCallerRoutes(scope, accounts);
  });

  const { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } = config;
  if (adminEmail && adminPassword) {
    app.addHook('onReady', async () => {
      const outcome = await accounts.seedAdmin(adminEmail, adminPassword);
      if (outcome === 'email-taken-by-non-admin') app.log.warn({ email: adminEmail }, 'ADMIN_EMAIL belongs to a non-admin user; no admin seeded');
      else app.log.info({ email: adminEmail, outcome }, 'demo admin');
    });
  }
  return app;
}
