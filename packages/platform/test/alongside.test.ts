import type {} from '../../devstack/src/vitest-provided.js';
import { createTestDatabase, freePort } from '@pms/devstack';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, vi } from 'vitest';
import { connectDatabase, createKafka, createService, runAlongside, type EventLogger } from '../src/index.js';

const quiet: EventLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** A service running a consumer, the relay and a worker beside HTTP, as app.ts files declare them. */
async function serviceWith(brokers: string) {
  const database = await connectDatabase({ url: await createTestDatabase(inject('databaseUrl'), 'platform_alongside'), eventTables: true });
  const kafka = createKafka({ brokers, clientId: 'alongside-test', logger: quiet, retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 2 } });
  const app = await createService({ name: 'alongside', logLevel: 'silent' });
  const lifecycle: string[] = [];
  const worker = (name: string) => () => {
    lifecycle.push(`start ${name}`);
    return { stop: async () => void lifecycle.push(`stop ${name}`) };
  };
  runAlongside(app, { KAFKA_GROUP_ID: `alongside-${randomUUID()}` }, {
    database,
    kafka,
    outbox: true,
    consumer: { topics: [`alongside-${randomUUID()}`], handlers: {} },
    workers: [worker('first'), worker('second')],
  });
  return { app, database, lifecycle };
}

describe('runAlongside', () => {
  it('starts with ready(), reports database, kafka and a joined consumer, and stops workers in reverse on close()', async () => {
    const { app, database, lifecycle } = await serviceWith(inject('kafkaBrokers'));
    try {
      await app.ready();
      expect(lifecycle).toEqual(['start first', 'start second']);
      const readiness = async () => (await app.inject('/health/ready')).json();
      await vi.waitFor(async () => expect(await readiness()).toEqual({ status: 'ok', checks: { database: 'ok', kafka: 'ok', consumer: 'ok' } }), {
        timeout: 30_000,
        interval: 200,
      });
      await app.close();
      expect(lifecycle).toEqual(['start first', 'start second', 'stop second', 'stop first']);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('serves HTTP while the broker is down, naming kafka and the consumer in readiness', async () => {
    const { app, database } = await serviceWith(`127.0.0.1:${await freePort()}`);
    try {
      await app.ready();
      expect((await app.inject('/health/live')).statusCode).toBe(200);
      const ready = await app.inject('/health/ready');
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks).toMatchObject({
        database: 'ok',
        kafka: expect.not.stringMatching(/^ok$/),
        consumer: expect.stringMatching(/has not joined yet/),
      });
    } finally {
      await app.close();
      await database.close();
    }
  });
});
