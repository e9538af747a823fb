import type {} from '../../devstack/src/vitest-provided.js';
import { randomUUID } from 'node:crypto';
import { deadLetterTopic, parseEvent, type EventData, type TypedEvent } from '@pms/contracts';
import { createTestDatabase } from '@pms/devstack';
import { sql } from 'drizzle-orm';
import { Partitioners, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type DatabaseHandle, type Transaction } from '../src/db/database.js';
import { notFound, unavailable } from '../src/errors.js';
import {
  createKafka,
  startConsumer,
  startOutboxRelay,
  writeEvent,
  type ConsumerOptions,
  type EventConsumer,
  type EventLogger,
  type OutboxRelay,
} from '../src/events/index.js';
import { newEventFlowStats } from '../src/events/stats.js';

const print = (level: string) => (obj: object, msg?: string) => {
  if (process.env.DEBUG_EVENTS) console.log(level, msg, obj);
};
const logger: EventLogger = { error: print('error'), warn: print('warn'), info: print('info'), debug: print('debug') };

let handle: DatabaseHandle;
let kafka: Kafka;
let relay: OutboxRelay;
let producer: Producer;
const consumers: EventConsumer[] = [];

beforeAll(async () => {
  const url = await createTestDatabase(inject('databaseUrl'), 'platform_events');
  handle = await connectDatabase({ url, eventTables: true });
  await handle.sql`create table effects (n bigserial primary key, event_id uuid not null, group_id text not null, subject text not null)`;
  kafka = createKafka({
    brokers: inject('kafkaBrokers'),
    clientId: 'platform-events-test',
    logger,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 3 },
  });
  // A small batch makes the ordering test cross batch boundaries.
  relay = startOutboxRelay({ handle, kafka, logger, batchSize: 10 });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
});

afterAll(async () => {
  await relay?.stop();
  await producer?.disconnect();
  await handle?.close();
});

/** Unique names per test: tests never share topics or groups. */
function names() {
  const suffix = randomUUID().slice(0, 8);
  return { topic: `test-${suffix}-events`, groupId: `test-${suffix}` };
}

const record = (event: TypedEvent, tx: Transaction, groupId: string) =>
  tx.execute(sql`insert into effects (event_id, group_id, subject) values (${event.id}, ${groupId}, ${event.subject})`);

async function consume(options: Omit<ConsumerOptions, 'kafka' | 'handle' | 'logger'>): Promise<EventConsumer> {
  const consumer = startConsumer({ kafka, handle, logger, retry: { attempts: 3, initialDelayMs: 20 }, ...options });
  consumers.push(consumer);
  await consumer.ready;
  return consumer;
}

const unsent = async () => (await handle.sql`select 1 from outbox where sent_at is null`).length;

const effects = async (groupId: string) =>
  (await handle.sql<{ event_id: string; subject: string }[]>`
    select event_id, subject from effects where group_id = ${groupId} order by n`).map((row) => ({ ...row }));

/** Reads `count` messages of a topic with a throwaway group. */
async function readTopic(topic: string, count: number): Promise<KafkaMessage[]> {
  const reader = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const messages: KafkaMessage[] = [];
  await reader.connect();
  try {
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
      },
    });
    await expect.poll(() => messages.length, { timeout: 20_000, interval: 20, message: `${count} messages on ${topic}` }).toBeGreaterThanOrEqual(count);
  } finally {
    await reader.disconnect();
  }
  return messages;
}

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

/** A raw envelope, for messages that did not come through the outbox. */
const envelope = (subject: string, data: unknown = { patientId: subject }) => ({
  id: randomUUID(),
  type: 'PatientDeleted',
  version: 1,
  occurredAt: new Date().toISOString(),
  source: 'test',
  subject,
  data,
  requestId: null,
});

const produce = (topic: string, key: string, values: (string | object)[]) =>
  producer.send({
    topic,
    acks: -1,
    messages: values.map((value) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) })),
  });

const booking: EventData<'AppointmentBooked'> = {
  appointmentId: randomUUID(),
  patientId: randomUUID(),
  doctorId: randomUUID(),
  startsAt: '2026-12-01T09:00:00.000Z',
  endsAt: '2026-12-01T09:30:00.000Z',
  durationMinutes: 30,
  reason: 'check-up',
  patient: { name: 'Pat Doe', email: 'pat@example.com' },
  doctor: { name: 'Dr. Ada', specialty: 'CARDIOLOGY', timeZone: 'Europe/Berlin' },
};

describe('events', () => {
  it('carries an event from the outbox through Kafka to its handler', async () => {
    const { topic, groupId } = names();
    const seen: TypedEvent[] = [];
    await consume({
      groupId,
      topics: [topic],
      handlers: {
        AppointmentBooked: async (event, tx) => {
          seen.push(event);
          await record(event, tx, groupId);
        },
      },
    });

    const startedAt = performance.now();
    const written = await handle.db.transaction((tx) =>
      writeEvent(tx, {
        type: 'AppointmentBooked',
        subject: booking.appointmentId,
        data: booking,
        source: 'appointment',
        requestId: 'req-1',
        topic,
      }),
    );
    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'the effect' }).toBe(1);
    console.log(`outbox → handler effect: ${Math.round(performance.now() - startedAt)} ms`);

    expect(written).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'AppointmentBooked',
      version: 1,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      source: 'appointment',
      subject: booking.appointmentId,
      data: booking,
      requestId: 'req-1',
    });
    expect(seen).toEqual([written]);
    expect(await effects(groupId)).toEqual([{ event_id: written.id, subject: booking.appointmentId }]);

    // On the wire: keyed by the subject, the envelope as JSON.
    const [message] = await readTopic(topic, 1);
    expect(message?.key?.toString()).toBe(booking.appointmentId);
    const value = JSON.parse(message?.value?.toString() ?? 'null') as unknown;
    expect(value).toEqual(written);
    expect(parseEvent(value)).toEqual({ ok: true, event: written });
    await expect.poll(unsent, { timeout: 20_000, interval: 20, message: 'the row marked sent' }).toBe(0);
    const [row] = await handle.sql`select sent_at, attempts, topic, key, type from outbox where id = ${written.id}`;
    expect(row).toMatchObject({ sent_at: expect.any(String), attempts: 1, topic, key: booking.appointmentId });
  });

  it('refuses to write an event whose payload fails its schema', async () => {
    const subject = randomUUID();
    const write = handle.db.transaction((tx) =>
      writeEvent(tx, { type: 'PatientDeleted', subject, source: 'patient', data: { patientId: 'not-a-uuid' } }),
    );
    await expect(write).rejects.toThrow(/invalid PatientDeleted payload/);
    expect(await handle.sql`select 1 from outbox where key = ${subject}`).toHaveLength(0);
  });

  it('dead-letters poison messages with the reason, then goes on with the next', async () => {
    const { topic, groupId } = names();
    await consume({ groupId, topics: [topic], handlers: { PatientDeleted: (event, tx) => record(event, tx, groupId) } });
    const key = randomUUID();
    const good = envelope(randomUUID());
    // One key: one partition, so the good message comes after both poison ones.
    await produce(topic, key, ['{not json', envelope(randomUUID(), { patientId: 'nope' }), good]);

    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'the good event' }).toBe(1);
    expect(await effects(groupId)).toEqual([{ event_id: good.id, subject: good.subject }]);
    const dead = await readTopic(deadLetterTopic(topic), 2);
    dead.sort((a, b) => Number(header(a, 'x-original-offset')) - Number(header(b, 'x-original-offset')));
    expect(dead.map((message) => message.key?.toString())).toEqual([key, key]);
    expect(dead[0]?.value?.toString()).toBe('{not json');
    expect(header(dead[0]!, 'x-dlq-reason')).toMatch(/^invalid JSON/);
    expect(header(dead[1]!, 'x-dlq-reason')).toMatch(/^invalid PatientDeleted payload/);
    for (const message of dead) {
      expect(header(message, 'x-original-topic')).toBe(topic);
      expect(header(message, 'x-consumer-group')).toBe(groupId);
      expect(header(message, 'x-original-partition')).toMatch(/^[0-2]$/);
    }
    expect(dead.map((message) => header(message, 'x-original-offset'))).toEqual(['0', '1']);
  });

  it('dead-letters a handler that keeps failing after its retries, and one that rejects at once', async () => {
    const { topic, groupId } = names();
    const failing = randomUUID();
    const missing = randomUUID();
    const attempts = { [failing]: 0, [missing]: 0 };
    await consume({
      groupId,
      topics: [topic],
      handlers: {
        PatientDeleted: async (event, tx) => {
          await record(event, tx, groupId);
          if (event.subject === failing) throw new Error(`boom ${++attempts[failing]!}`);
          if (event.subject === missing) throw notFound(`patient ${++attempts[missing]!} not found`);
        },
      },
    });
    const good = envelope(randomUUID());
    await produce(topic, randomUUID(), [envelope(failing), envelope(missing), good]);

    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'the good event' }).toBe(1);
    // The failed attempts rolled back, their effects and processed_events rows with them.
    expect(await effects(groupId)).toEqual([{ event_id: good.id, subject: good.subject }]);
    expect(attempts).toEqual({ [failing]: 3, [missing]: 1 });
    const reasons = (await readTopic(deadLetterTopic(topic), 2)).map((message) => header(message, 'x-dlq-reason'));
    expect(reasons.sort()).toEqual(['handler failed after 3 attempts: boom 3', 'handler rejected: NOT_FOUND: patient 1 not found']);
    const processed = await handle.sql`select event_id from processed_events where consumer_group = ${groupId}`;
    expect(processed.map((row) => row.event_id)).toEqual([good.id]);
  });

  it('waits out a dependency that is down instead of dead-lettering', async () => {
    const { topic, groupId } = names();
    let calls = 0;
    // Two attempts per delivery: the first delivery fails twice, the redelivery once, then it works.
    await consume({
      groupId,
      topics: [topic],
      retry: { attempts: 2, initialDelayMs: 20 },
      handlers: {
        PatientDeleted: async (event, tx) => {
          if (++calls <= 3) throw unavailable('billing is down');
          await record(event, tx, groupId);
        },
      },
    });
    const event = envelope(randomUUID());
    await produce(topic, randomUUID(), [event]);

    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'the effect' }).toBe(1);
    expect(calls).toBe(4);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(deadLetterTopic(topic)).finally(() => admin.disconnect());
    expect(offsets.map((partition) => partition.high)).toEqual(['0', '0', '0']);
  });

  it('applies a redelivered event once', async () => {
    const { topic, groupId } = names();
    await consume({ groupId, topics: [topic], handlers: { PatientDeleted: (event, tx) => record(event, tx, groupId) } });
    const twice = envelope(randomUUID());
    const after = envelope(randomUUID());
    await produce(topic, randomUUID(), [twice, twice, after]);

    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'the event after the duplicate' }).toBeGreaterThanOrEqual(2);
    expect(await effects(groupId)).toEqual([
      { event_id: twice.id, subject: twice.subject },
      { event_id: after.id, subject: after.subject },
    ]);
  });

  it('keeps the order of the events of each key', async () => {
    const { topic, groupId } = names();
    await consume({ groupId, topics: [topic], handlers: { PatientDeleted: (event, tx) => record(event, tx, groupId) } });
    const subjects = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const written: { event_id: string; subject: string }[] = [];
    // Some transactions hold one event, some several, as services do.
    for (let i = 0; i < 60; ) {
      const size = 1 + (i % 4);
      await handle.db.transaction(async (tx) => {
        for (let j = 0; j < size && i < 60; j += 1, i += 1) {
          const subject = subjects[i % subjects.length]!;
          const event = await writeEvent(tx, { type: 'PatientDeleted', subject, data: { patientId: subject }, source: 'test', topic });
          written.push({ event_id: event.id, subject });
        }
      });
    }

    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'every effect' }).toBe(60);
    const applied = await effects(groupId);
    for (const subject of subjects) {
      const ofSubject = (list: typeof written) => list.filter((entry) => entry.subject === subject);
      expect(ofSubject(applied)).toEqual(ofSubject(written));
    }
  });

  it('applies a burst of events in batches: fewer transactions than events, each event once', async () => {
    const { topic, groupId } = names();
    const subject = randomUUID();
    const burst = Array.from({ length: 30 }, () => envelope(subject));
    await consume({ groupId, topics: [topic], handlers: { PatientDeleted: (event, tx) => record(event, tx, groupId) } });
    // One produce request, one key: the consumer fetches them together.
    await produce(topic, subject, burst);

    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'every effect' }).toBe(burst.length);
    expect((await effects(groupId)).map((effect) => effect.event_id)).toEqual(burst.map((event) => event.id));
    // now() is the transaction's start: events applied in one transaction share their processed_at.
    const [transactions] = await handle.sql<{ count: number }[]>`
      select count(distinct processed_at)::int as count from processed_events where consumer_group = ${groupId}`;
    expect(transactions!.count).toBeLessThan(burst.length);
  });
  it('applies the partitions of one fetch in one transaction, each in its own order', async () => {
    const { topic, groupId } = names();
    const stats = newEventFlowStats();
    const byPartition = [0, 1, 2].map(() => {
      const subject = randomUUID();
      return { subject, events: Array.from({ length: 5 }, () => envelope(subject)) };
    });
    await consume({ groupId, topics: [topic], stats, handlers: { PatientDeleted: (event, tx) => record(event, tx, groupId) } });
    // One produce request onto all three partitions: the broker answers the pending fetch with all of them.
    await producer.send({
      topic,
      acks: -1,
      messages: byPartition.flatMap(({ subject, events }, partition) =>
        events.map((event) => ({ key: subject, partition, value: JSON.stringify(event) })),
      ),
    });

    await expect.poll(async () => (await effects(groupId)).length, { timeout: 20_000, interval: 20, message: 'every effect' }).toBe(15);
    const applied = await effects(groupId);
    for (const { subject, events } of byPartition) {
      expect(applied.filter((effect) => effect.subject === subject).map((effect) => effect.event_id)).toEqual(events.map((event) => event.id));
    }
    expect(stats.consumer.events).toBe(15);
    expect(stats.consumer.partitionBatches).toBeGreaterThan(1);
    expect(stats.consumer.transactions).toBeLessThan(stats.consumer.partitionBatches);
  });
});

describe('batch handlers', () => {
  it('hands a batch its new events at once, in order, and falls back to the per-event handlers when it fails', async () => {
    const { topic, groupId } = names();
    const subject = randomUUID();
    const burst = Array.from({ length: 20 }, () => envelope(subject));
    const batchSizes: number[] = [];
    let failOnce = true;
    await consume({
      groupId,
      topics: [topic],
      handlers: { PatientDeleted: (event, tx) => record(event, tx, `${groupId}-one`) },
      handleBatch: async (events, tx) => {
        // The first batch fails after writing: its effects roll back and its events go one by one.
        for (const event of events) await record(event, tx, groupId);
        batchSizes.push(events.length);
        if (failOnce) {
          failOnce = false;
          throw new Error('batch writer hiccup');
        }
      },
    });
    await produce(topic, subject, burst);

    await expect
      .poll(async () => (await effects(groupId)).length + (await effects(`${groupId}-one`)).length, { timeout: 20_000, interval: 50 })
      .toBe(burst.length);
    const applied = [...(await effects(`${groupId}-one`)), ...(await effects(groupId))].map((effect) => effect.event_id);
    // Each event exactly once, in the order produced (the one-by-one fallback came first).
    expect(applied).toEqual(burst.map((event) => event.id));
    expect((await effects(`${groupId}-one`)).length).toBe(batchSizes[0]);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
  });
});
