// inject('databaseUrl') and friends: what the devstack's vitest global setup provides.
import type {} from '../../devstack/src/vitest-provided.js';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventCatalog, patientGrpc, topics, type EventData, type EventType } from '@pms/contracts';
import { createTestDatabase, freePort } from '@pms/devstack';
import {
  connectDatabase,
  createKafka,
  ensureTopics,
  notFound,
  startGrpcServer,
  unary,
  type DatabaseHandle,
  type EventLogger,
  type GrpcServerHandle,
  type ServiceInstance,
} from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { expect, inject, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrationsFolder } from '../src/db/migrations-folder.js';
import { createPatientClient } from '../src/peers/patient-directory.js';

const print = (level: string) => (obj: object, msg?: string) => {
  if (process.env.DEBUG_BILLING_TESTS) console.log(level, msg, obj);
};
export const quietLogger: EventLogger = { error: print('error'), warn: print('warn'), info: print('info'), debug: print('debug') };

/**
 * A PatientService double: owners by patient id; `slowPatientId` answers after the caller's
 * deadline (the wait ends when the caller gives up, so the server closes at once).
 */
export function patientDouble() {
  const owners = new Map<string, string | null>();
  const slowPatientId = randomUUID();
  const implementation: patientGrpc.PatientServiceServer = {
    getPatient: unary(async ({ id }, { signal }) => {
      if (id === slowPatientId) await sleep(1_500, undefined, { signal }).catch(() => undefined);
      if (!owners.has(id)) throw notFound(`Patient ${id} not found`, 'PATIENT_NOT_FOUND');
      return { patient: patientGrpc.Patient.fromPartial({ id, name: 'Double', email: 'double@example.com', ownerUserId: owners.get(id) ?? '' }) };
    }),
  };
  return { owners, slowPatientId, implementation };
}

export interface BillingHarness {
  app: ServiceInstance;
  database: DatabaseHandle;
  grpcAddress: string;
  groupId: string;
  tokens: ReturnType<typeof createTestTokenIssuer>;
  patients: ReturnType<typeof patientDouble>;
  patientServer: GrpcServerHandle;
  kafka: ReturnType<typeof createKafka>;
  close(): Promise<void>;
}

/** The billing service on a database of its own, real Kafka, and a PatientService double. */
export async function startBilling(name: string): Promise<BillingHarness> {
  const url = await createTestDatabase(inject('databaseUrl'), `billing_${name}`);
  const patients = patientDouble();
  const patientServer = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [{ definition: patientGrpc.PatientServiceService, implementation: patients.implementation }],
    logger: quietLogger,
  });
  const grpcPort = await freePort();
  const tokens = createTestTokenIssuer();
  const groupId = `billing-test-${name}-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: groupId,
    AUTH_JWKS: JSON.stringify(tokens.jwks),
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    PATIENT_GRPC_URL: `127.0.0.1:${patientServer.port}`,
    PATIENT_GRPC_DEADLINE_MS: '500',
  });
  const database = await connectDatabase({ url, poolSize: config.DATABASE_POOL_SIZE, migrationsFolder, eventTables: true });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: groupId, logger: quietLogger });
  const patientClient = createPatientClient(config.PATIENT_GRPC_URL, config.PATIENT_GRPC_DEADLINE_MS);
  const app = await buildApp({ config, database, kafka, patients: patientClient });
  await app.ready();
  // The consumer has joined once readiness says so (database, patient peer and Kafka).
  await vi.waitFor(async () => expect((await app.inject('/health/ready')).json()).toMatchObject({ status: 'ok' }), { timeout: 60_000 });
  return {
    app,
    database,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    groupId,
    tokens,
    patients,
    patientServer,
    kafka,
    async close() {
      await app.close();
      patientClient.close();
      await patientServer.stop();
      await database.close();
    },
  };
}

/** An event exactly as a producer's outbox relay would publish it. */
export function envelope<T extends EventType>(type: T, subject: string, data: EventData<T>, id: string = randomUUID()) {
  return {
    id,
    type,
    version: eventCatalog[type].version,
    occurredAt: new Date().toISOString(),
    source: 'billing-test',
    subject,
    data,
    requestId: randomUUID(),
  };
}

export function appointment(overrides: Partial<EventData<'AppointmentBooked'>> = {}): EventData<'AppointmentBooked'> {
  const suffix = randomUUID().slice(0, 8);
  return {
    appointmentId: randomUUID(),
    patientId: randomUUID(),
    doctorId: randomUUID(),
    startsAt: '2030-03-04T09:00:00+01:00',
    endsAt: '2030-03-04T09:30:00+01:00',
    durationMinutes: 30,
    reason: 'check-up',
    patient: { name: `Patient ${suffix}`, email: `patient-${suffix}@example.com` },
    doctor: { name: `Dr. ${suffix}`, specialty: 'CARDIOLOGY', timeZone: 'Europe/Berlin' },
    ...overrides,
  };
}

/** Publishes raw values (valid envelopes or not) the way another service's relay would. */
export async function createPublisher(kafka: ReturnType<typeof createKafka>) {
  await ensureTopics(kafka, [topics.patient, topics.appointment, topics.billing]);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return {
    send: (topic: string, key: string, value: unknown) =>
      producer.send({ topic, acks: -1, messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }] }),
    close: () => producer.disconnect(),
  };
}

export interface Received {
  topic: string;
  value: Record<string, unknown>;
  raw: string;
  headers: Record<string, string>;
}

/** Everything that reaches the topics, from their beginning, for the test to search. */
export async function collect(kafka: ReturnType<typeof createKafka>, topicNames: string[]) {
  await ensureTopics(kafka, topicNames);
  const received: Received[] = [];
  const consumer = kafka.consumer({ groupId: `billing-test-collector-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: topicNames, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const raw = message.value?.toString('utf8') ?? '';
      let value: Record<string, unknown> = {};
      try {
        value = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // Malformed on purpose in some tests: searched by `raw`.
      }
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v ?? '')]));
      received.push({ topic, value, raw, headers });
    },
  });
  return {
    received,
    /** The first message on `topic` that `match` accepts, once it arrives. */
    find: (topic: string, match: (message: Received) => boolean, what = `a message on ${topic}`) =>
      vi.waitFor(
        () => {
          const found = received.find((message) => message.topic === topic && match(message));
          if (!found) throw new Error(`not seen yet: ${what}`);
          return found;
        },
        { timeout: 20_000 },
      ),
    close: () => consumer.disconnect(),
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
