import { parseEvent, topics, type EventData, type EventType, type TypedEvent } from '@pms/contracts';
import { createTestDatabase, freePort } from '@pms/devstack';
import { connectDatabase, createKafka, ensureTopics, type DatabaseHandle, type EventLogger, type ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import type { Role } from '@pms/contracts';
import { randomUUID } from 'node:crypto';
import { expect, inject, vi } from 'vitest';
// Types inject('databaseUrl') and inject('kafkaBrokers').
import type {} from '../../devstack/src/vitest-provided.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrationsFolder } from '../src/db/migrations-folder.js';

export type Kafka = ReturnType<typeof createKafka>;

const quiet: EventLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

export const issuer = createTestTokenIssuer();

/** Authorization header of a fresh user with the role. */
export const as = (role: Role) => ({ authorization: `Bearer ${issuer.token({ role })}` });

export const testKafka = (clientId: string): Kafka =>
  createKafka({ brokers: inject('kafkaBrokers'), clientId, logger: quiet, retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 3 } });

export interface DoctorHarness {
  app: ServiceInstance;
  database: DatabaseHandle;
  kafka: Kafka;
  grpcAddress: string;
  close(): Promise<void>;
}

/** The whole doctor service on a database of its own, started as main.ts starts it (minus listen). */
export async function startDoctor(): Promise<DoctorHarness> {
  const url = await createTestDatabase(inject('databaseUrl'), 'doctor');
  const grpcPort = await freePort();
  const config = loadConfig({
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '10',
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: `doctor-test-${randomUUID()}`,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
    JWT_ISSUER: issuer.issuer,
    JWT_AUDIENCE: issuer.audience,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    LOG_LEVEL: process.env.DEBUG_DOCTOR ? 'debug' : 'silent',
  });
  const database = await connectDatabase({ url, poolSize: config.DATABASE_POOL_SIZE, migrationsFolder, eventTables: true });
  const kafka = testKafka('doctor-test');
  const app = await buildApp({ config, database, kafka });
  await app.ready();
  return {
    app,
    database,
    kafka,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Everything published to a topic from now on (and before: it reads from the beginning), parsed. */
export async function collectTopic(kafka: Kafka, topic: string) {
  // Right after creating a topic the broker may briefly deny hosting it (UNKNOWN_TOPIC_OR_PARTITION).
  await vi.waitFor(() => ensureTopics(kafka, [topic]), { timeout: 25_000, interval: 100 });
  const events: TypedEvent[] = [];
  const reader = kafka.consumer({ groupId: `doctor-test-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topics: [topic], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const parsed = parseEvent(JSON.parse(message.value?.toString('utf8') ?? 'null'));
      if (parsed.ok) events.push(parsed.event);
    },
  });
  return {
    events,
    /** Waits for the events of one subject, in order, of the given types. */
    waitForTypes: (subject: string, types: EventType[]) =>
      vi.waitFor(
        () => {
          const ofSubject = events.filter((event) => event.subject === subject);
          expect(ofSubject.map((event) => event.type), `events of ${subject} on ${topic}`).toEqual(types);
          return ofSubject;
        },
        { timeout: 25_000, interval: 100 },
      ),
    stop: () => reader.disconnect(),
  };
}

let unique = 0;
/** Unique values per call, so tests never collide on emails or names. */
export const uniqueTag = () => `${Date.now().toString(36)}${(unique += 1)}${randomUUID().slice(0, 4)}`;

export const doctorBody = (overrides: Record<string, unknown> = {}) => {
  const tag = uniqueTag();
  return {
    name: `Dr. Test ${tag}`,
    email: `doctor.${tag}@example.com`,
    phone: '+49 30 555 0100',
    specialty: 'CARDIOLOGY',
    ...overrides,
  };
};

/** Fields named in a 400 answer's details, sorted. */
export const failingFields = (body: { details?: { field: string }[] }) => [...new Set((body.details ?? []).map((d) => d.field))].sort();

/** Publishes an event as appointment would (the envelope on appointment-events), for doctor's consumer. */
export async function publishAppointmentEvent<T extends EventType>(
  producer: ReturnType<Kafka['producer']>,
  type: T,
  subject: string,
  data: EventData<T>,
): Promise<void> {
  const envelope = { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'appointment', subject, data, requestId: null };
  await producer.send({ topic: topics.appointment, acks: -1, messages: [{ key: subject, value: JSON.stringify(envelope) }] });
}
