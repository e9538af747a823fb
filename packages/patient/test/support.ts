import { billingGrpc, type Role } from '@pms/contracts';
import { createTestDatabase } from '@pms/devstack';
import { connectDatabase, createGrpcClient, createServiceKafka, type DatabaseHandle } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { buildApp, type AppDeps, type PatientApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrationsFolder } from '../src/db/migrations-folder.js';

export interface TestService {
  app: PatientApp;
  database: DatabaseHandle;
  tokens: ReturnType<typeof createTestTokenIssuer>;
  close(): Promise<void>;
}

/** One patient service on a database of its own, with billing at `billingAddress`. */
export async function startPatientService(
  billingAddress: string,
  env: Record<string, string> = {},
  peers: Pick<AppDeps, 'appointments'> = {},
): Promise<TestService> {
  const tokens = createTestTokenIssuer();
  const url = await createTestDatabase(inject('databaseUrl'), 'patient');
  const config = loadConfig({
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '5',
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: `patient-test-${randomUUID()}`,
    AUTH_JWKS: JSON.stringify(tokens.jwks),
    LOG_LEVEL: 'silent',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    BILLING_GRPC_URL: billingAddress,
    ...env,
  });
  const database = await connectDatabase({ url, poolSize: config.DATABASE_POOL_SIZE, migrationsFolder, eventTables: true });
  const billing = createGrpcClient(billingGrpc.BillingServiceClient, config.BILLING_GRPC_URL, { peerName: 'billing' });
  const app = await buildApp({ config, database, kafka: createServiceKafka(config, 'patient').kafka, billing, ...peers });
  await app.ready();
  return {
    app,
    database,
    tokens,
    async close() {
      await app.close();
      billing.close();
      await database.close();
    },
  };
}

/** A user of the role with a fresh id; patients get an email claim (their account's email). */
export function userOf(tokens: TestService['tokens'], role: Role, email = uniqueEmail(role)) {
  const sub = randomUUID();
  return { sub, email, token: tokens.token({ role, sub, email }) };
}

export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/** A valid PatientInput with unique values; override what a test cares about. */
export const patientInput = (overrides: Record<string, unknown> = {}) => ({
  name: `Pat ${randomUUID().slice(0, 8)}`,
  email: uniqueEmail('patient'),
  phone: '+49 30 1234567',
  address: '1 Main Street, Springfield',
  dateOfBirth: '1985-04-12',
  ...overrides,
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** An /api call as a user would make it through the gateway. */
export function call(app: PatientApp, method: Method, url: string, token: string | undefined, payload?: object, requestId?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (requestId) headers['x-request-id'] = requestId;
  return app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

export const fieldsOf = (body: { details?: { field: string }[] }) => [...new Set((body.details ?? []).map((detail) => detail.field))].sort();
