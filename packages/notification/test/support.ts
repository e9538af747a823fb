// The types of inject('databaseUrl') and friends, provided by devstack's vitest global setup.
import type {} from '../../devstack/src/vitest-provided.js';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { EventData, EventType } from '@pms/contracts';
import { createTestDatabase } from '@pms/devstack';
import { connectDatabase, createKafka, type DatabaseHandle, type EventLogger, type ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { Partitioners, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { expect, inject, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrationsFolder } from '../src/db/migrations-folder.js';
import type { Channels } from '../src/domain/channels.js';
import { createSmtpSender } from '../src/transports/smtp.js';

export const quiet: EventLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
export const issuer = createTestTokenIssuer();
export const bearer = (role: 'admin' | 'staff' | 'doctor' | 'patient') => ({
  authorization: `Bearer ${issuer.token({ role })}`,
});

/** A fresh database of this test file's own, migrated as at service start. */
export const testDatabase = async (url?: string) =>
  connectDatabase({
    url: url ?? (await createTestDatabase(inject('databaseUrl'), 'notification')),
    poolSize: 10,
    migrationsFolder,
    eventTables: true,
  });

export interface TestApp {
  app: ServiceInstance;
  database: DatabaseHandle;
  databaseUrl: string;
  kafka: Kafka;
  groupId: string;
  close(): Promise<void>;
}

/** The whole service on a database and consumer group of its own, started and consuming. */
export async function startTestApp(options: {
  smtp: { host: string; port: number };
  env?: Record<string, string>;
  sms?: Channels['sms'];
  /** Replicas: the database and consumer group of another app. */
  shareWith?: { databaseUrl: string; groupId: string };
}): Promise<TestApp> {
  const groupId = options.shareWith?.groupId ?? `notification-test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    DATABASE_URL: options.shareWith?.databaseUrl ?? (await createTestDatabase(inject('databaseUrl'), 'notification')),
    KAFKA_BROKERS: inject('kafkaBrokers'),
    KAFKA_GROUP_ID: groupId,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
    LOG_LEVEL: process.env.DEBUG_TESTS ? 'debug' : 'silent',
    SMTP_HOST: options.smtp.host,
    SMTP_PORT: String(options.smtp.port),
    SMTP_FROM: 'Test Clinic <clinic@pms.test>',
    NOTIFICATION_RETRY_INITIAL_MS: '200',
    NOTIFICATION_RETRY_MAX_MS: '1000',
    NOTIFICATION_POLL_INTERVAL_MS: '200',
    ...options.env,
  });
  const database = await testDatabase(config.DATABASE_URL);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: groupId, logger: quiet });
  const email = createSmtpSender({ host: config.SMTP_HOST, port: config.SMTP_PORT, secure: false, from: config.SMTP_FROM });
  const sms = options.sms ?? { send: async () => {} };
  const app = await buildApp({ config, database, kafka, channels: { email, sms } });
  await app.ready();
  // Ready means the consumer group has joined: nothing published from now on is missed.
  await vi.waitFor(async () => expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200), { timeout: 60_000 });
  return {
    app,
    database,
    databaseUrl: config.DATABASE_URL,
    kafka,
    groupId,
    async close() {
      await app.close();
      email.close();
      await database.close();
    },
  };
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

export function envelope<T extends EventType>(type: T, subject: string, data: EventData<T>) {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), source: 'test', subject, data, requestId: null };
}

export const publish = (producer: Producer, topic: string, key: string, ...values: unknown[]) =>
  producer.send({ topic, acks: -1, messages: values.map((value) => ({ key, value: JSON.stringify(value) })) });

/** A unique address per test, so tests never see each other's mail. */
export const uniqueEmail = (name: string) => `${name}-${randomUUID().slice(0, 8)}@pms.test`;

export function booking(overrides: Partial<EventData<'AppointmentBooked'>> = {}): EventData<'AppointmentBooked'> {
  return {
    appointmentId: randomUUID(),
    patientId: randomUUID(),
    doctorId: randomUUID(),
    startsAt: '2026-11-24T08:30:00.000Z',
    endsAt: '2026-11-24T09:00:00.000Z',
    durationMinutes: 30,
    reason: 'Check-up',
    patient: { name: 'Ann Smith', email: uniqueEmail('ann') },
    doctor: { name: 'Dr. Lena Weber', specialty: 'CARDIOLOGY', timeZone: 'Europe/Berlin' },
    ...overrides,
  };
}

/** The Mailpit-like sink's API (the devstack one, or one a test starts). */
export interface SinkMessage {
  ID: string;
  To: { Address: string }[];
  Subject: string;
  MessageID: string;
}
export function mailbox(apiUrl: string) {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${apiUrl}${path}`);
    if (!response.ok) throw new Error(`sink ${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    /** Every message to `address`, newest first. */
    to: async (address: string) =>
      (await get<{ messages: SinkMessage[] }>(`/api/v1/search?query=${encodeURIComponent(`to:${address}`)}&limit=1000`)).messages,
    full: (id: string) => get<SinkMessage & { Text: string; HTML: string; From: { Address: string; Name: string } }>(`/api/v1/message/${id}`),
  };
}

/** Reads a topic from the beginning with a throwaway group until `found` picks a message. */
export async function findOnTopic(kafka: Kafka, topic: string, found: (message: KafkaMessage) => boolean): Promise<KafkaMessage> {
  const reader = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  let match: KafkaMessage | undefined;
  await reader.connect();
  try {
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (!match && found(message)) match = message;
      },
    });
    return await vi.waitFor(
      () => {
        if (!match) throw new Error(`no matching message on ${topic} yet`);
        return match;
      },
      { timeout: 20_000 },
    );
  } finally {
    await reader.disconnect();
  }
}

export const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

/** A stand-in SMS gateway: records what the webhook transport posts. */
export async function startSmsGateway(): Promise<{ url: string; received: { to: string; text: string }[]; close(): Promise<void> }> {
  const received: { to: string; text: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; text: string });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
