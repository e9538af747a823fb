import { connectDatabase, createServiceKafka, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import { generateKeyPairSync } from 'node:crypto';
import { buildApp } from './app.js';
import { loadConfig, type AuthConfig } from './config.js';
import { migrationsFolder } from './db/migrations-folder.js';
import { signingKeyFromPem, type SigningKey } from './domain/signing-key.js';

/** For tests only (auth's own and the gateway's): a real auth service on a migrated database. */
export interface TestAuthService {
  app: ServiceInstance;
  config: AuthConfig;
  signingKey: SigningKey;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export const generateSigningKey = (): SigningKey =>
  signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

export async function startTestAuthService(options: {
  databaseUrl: string;
  /** auth publishes its events (verification emails, revocations) and reads revocations. */
  kafkaBrokers: string;
  env?: Record<string, string>;
  signingKey?: SigningKey;
}): Promise<TestAuthService> {
  const config = loadConfig({ DATABASE_URL: options.databaseUrl, KAFKA_BROKERS: options.kafkaBrokers, LOG_LEVEL: 'silent', ...options.env });
  const database = await connectDatabase({ url: options.databaseUrl, poolSize: 5, migrationsFolder, eventTables: true });
  const signingKey = options.signingKey ?? generateSigningKey();
  try {
    const { kafka, log: kafkaLog } = createServiceKafka(config, 'auth');
    const app = await buildApp({ config, database, kafka, signingKey });
    kafkaLog.attach(app.log);
    await app.ready();
    return {
      app,
      config,
      signingKey,
      database,
      close: async () => {
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
