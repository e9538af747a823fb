// Types of inject('databaseUrl') and friends, provided by devstack's vitest global setup.
import type {} from '../../../devstack/src/vitest-provided.js';
import type { Role } from '@pms/contracts';
import { createTestDatabase } from '@pms/devstack';
import { connectDatabase, createServiceKafka, type DatabaseHandle, type ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer, type TestTokenIssuer } from '@pms/platform/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrationsFolder } from '../../src/db/migrations-folder.js';
import { createPeerClients } from '../../src/peers/grpc-peers.js';
import { PeerDoubles } from './doubles.js';

export interface TestService {
  app: ServiceInstance;
  /** The app's database handle, for assertions. */
  database: DatabaseHandle;
  databaseUrl: string;
  /** Closes the app, then what the harness opened for it (database, gRPC clients). */
  close(): Promise<void>;
}

export interface TestServiceOptions {
  patientUrl: string;
  doctorUrl: string;
  issuer: TestTokenIssuer;
  /** Short, so slow-peer tests finish quickly. */
  deadlineMs?: number;
  /** Share another app's database (several apps with different peers in one file). */
  databaseUrl?: string;
}

/** The real service (buildApp) on a database of its own, talking to the given gRPC peers. */
export async function startService(options: TestServiceOptions): Promise<TestService> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(inject('databaseUrl'), 'appointment'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.DEBUG_APPOINTMENT ? 'debug' : 'silent',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_CLIENT_ID: `appointment-test-${randomUUID().slice(0, 8)}`,
    KAFKA_GROUP_ID: `appointment-test-${randomUUID()}`,
    AUTH_JWKS: JSON.stringify(options.issuer.jwks),
    PATIENT_GRPC_URL: options.patientUrl,
    DOCTOR_GRPC_URL: options.doctorUrl,
    GRPC_DEADLINE_MS: String(options.deadlineMs ?? 2_000),
  });
  const database = await connectDatabase({
    url: databaseUrl,
    poolSize: config.DATABASE_POOL_SIZE,
    migrationsFolder,
    eventTables: true,
  });
  const { patients, doctors } = createPeerClients({
    patientUrl: config.PATIENT_GRPC_URL,
    doctorUrl: config.DOCTOR_GRPC_URL,
    deadlineMs: config.GRPC_DEADLINE_MS,
  });
  const app = await buildApp({ config, database, kafka: createServiceKafka(config, 'appointment').kafka, patients, doctors });
  const close = async () => {
    await app.close();
    patients.close();
    doctors.close();
    await database.close();
  };
  try {
    await app.ready();
  } catch (error) {
    await close();
    throw error;
  }
  return { app, database, databaseUrl, close };
}

/**
 * A test file's own service and peer doubles: both start before the file's tests and stop after
 * them. `app` and `database` are read inside tests (they exist from `beforeAll` on).
 */
export function withService() {
  const issuer = createTestTokenIssuer();
  const peers = new PeerDoubles();
  let service: TestService | undefined;
  beforeAll(async () => {
    await peers.start();
    service = await startService({ patientUrl: peers.patientUrl, doctorUrl: peers.doctorUrl, issuer });
  });
  afterAll(async () => {
    await service?.close();
    await peers.stop();
  });
  const started = () => {
    if (!service) throw new Error('the service starts in beforeAll: use it inside a test');
    return service;
  };
  return {
    issuer,
    users: usersOf(issuer),
    peers,
    get app() {
      return started().app;
    },
    get database() {
      return started().database;
    },
  };
}

/** Users with tokens, as auth would issue them. */
export function usersOf(issuer: TestTokenIssuer) {
  const user = (role: Role, extra: { doctorId?: string } = {}) => {
    const userId = randomUUID();
    const token = issuer.token({ role, sub: userId, ...extra });
    return { userId, token, headers: { authorization: `Bearer ${token}` } };
  };
  return {
    staff: () => user('staff'),
    admin: () => user('admin'),
    patient: () => user('patient'),
    doctor: (doctorId?: string) => user('doctor', doctorId ? { doctorId } : {}),
  };
}

/** A time well in the future, on the minute: `at(0)` is a fixed point, `at(30)` half an hour later. */
const base = Math.ceil((Date.now() + 30 * 86_400_000) / 3_600_000) * 3_600_000;
export const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

export interface OutboxEvent {
  type: string;
  payload: {
    id: string;
    type: string;
    source: string;
    subject: string;
    requestId: string | null;
    data: Record<string, unknown>;
  };
}

/** The events the service wrote for one appointment, oldest first. */
export async function eventsOf(database: DatabaseHandle, appointmentId: string): Promise<OutboxEvent[]> {
  const rows = await database.sql<OutboxEvent[]>`
    select type, payload from outbox where key = ${appointmentId} order by sequence`;
  return rows.map((row) => ({ type: row.type, payload: row.payload }));
}

/** Rows and events that mention a patient: proves a failed request left nothing behind. */
export async function traceOfPatient(database: DatabaseHandle, patientId: string): Promise<{ rows: number; events: number }> {
  const [counts] = await database.sql<{ rows: number; events: number }[]>`
    select
      (select count(*)::int from appointments where patient_id = ${patientId}) as rows,
      (select count(*)::int from outbox where payload->'data'->>'patientId' = ${patientId}) as events`;
  return counts ?? { rows: -1, events: -1 };
}
