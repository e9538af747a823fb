import type {} from '../../devstack/src/vitest-provided.js';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, devstackControl } from '@pms/devstack';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../src/db/database.js';
import { createKafka, startConsumer, startOutboxRelay, writeEvent, type EventLogger } from '../src/events/index.js';

const print = (level: string) => (obj: object, msg?: string) => {
  if (process.env.DEBUG_EVENTS) console.log(new Date().toISOString(), level, msg, JSON.stringify(obj).slice(0, 300));
};
const logger: EventLogger = { error: print('error'), warn: print('warn'), info: print('info'), debug: print('debug') };
const control = devstackControl(inject('devstackControlUrl'));

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await connectDatabase({ url: await createTestDatabase(inject('databaseUrl'), 'platform_outage'), eventTables: true });
  await handle.sql`create table effects (event_id uuid not null, subject text not null)`;
});

afterAll(async () => {
  await handle?.close();
});

/**
 * Stops the shared broker: suites running meanwhile see a Kafka outage of a few seconds, which
 * the relay and consumers ride out; services' health checks would not (run this file last).
 */
describe.skipIf(!inject('kafkaControllable'))('events across a Kafka outage', () => {
  it('delivers every event written while Kafka was down, each effect once', { timeout: 180_000 }, async () => {
    const suffix = randomUUID().slice(0, 8);
    const topic = `test-${suffix}-outage`;
    // Fail fast and come back fast: the defaults are tuned for services, not for a test's clock.
    const kafka = createKafka({
      brokers: inject('kafkaBrokers'),
      clientId: 'platform-outage-test',
      logger,
      connectionTimeout: 1_000,
      retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 3 },
    });
    const relay = startOutboxRelay({ handle, kafka, logger, retry: { initialDelayMs: 100, maxDelayMs: 1_000 } });
    const consumer = startConsumer({
      kafka,
      handle,
      logger,
      groupId: `test-${suffix}`,
      topics: [topic],
      retry: { attempts: 3, initialDelayMs: 20 },
      // The broker's minimum: after the restart, the group waits this long for its old membership.
      sessionTimeoutMs: 6_000,
      handlers: {
        PatientDeleted: (event, tx) =>
          tx.execute(sql`insert into effects (event_id, subject) values (${event.id}, ${event.subject})`),
      },
    });
    const subjects = [randomUUID(), randomUUID(), randomUUID()];
    const write = (i: number) =>
      handle.db.transaction(async (tx) => {
        const subject = subjects[i % subjects.length]!;
        return writeEvent(tx, { type: 'PatientDeleted', subject, data: { patientId: subject }, source: 'test', topic });
      });
    const effects = async () => (await handle.sql`select 1 from effects`).length;
    const unsent = async () => (await handle.sql`select 1 from outbox where sent_at is null`).length;

    try {
      await consumer.ready;
      await write(0);
      await expect.poll(effects, { timeout: 20_000 }).toBe(1);

      await control.stopKafka();
      const startedAt = performance.now();
      for (let i = 1; i <= 20; i += 1) await write(i);
      // Writing never waits for Kafka: the events sit in the outbox.
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      const attempted = async () => (await handle.sql`select 1 from outbox where attempts > 0 and sent_at is null`).length;
      await expect.poll(attempted, { timeout: 30_000, message: 'the relay to try and fail' }).toBeGreaterThan(0);
      expect(await unsent()).toBe(20);
      expect(await effects()).toBe(1);
    } finally {
      await control.startKafka();
    }

    try {
      await expect.poll(effects, { timeout: 90_000 }).toBeGreaterThanOrEqual(21);
      await expect.poll(unsent, { timeout: 10_000, message: 'the outbox drained' }).toBe(0);
      const rows = await handle.sql`select event_id, count(*)::int as n from effects group by event_id`;
      expect(rows).toHaveLength(21);
      expect(rows.filter((row) => row.n !== 1)).toEqual([]);
    } finally {
      await consumer.stop();
      await relay.stop();
    }
  });
});
