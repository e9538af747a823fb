import type {} from '../../devstack/src/vitest-provided.js';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, inject, it } from 'vitest';
import { createKafka } from '../src/events/kafka.js';
import { deferredLogger } from '../src/events/logger.js';

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: { checkPendingRequests(): void } };

// Counts how often kafkajs looks at its request queues: per connection, not per request.
let checks = 0;
const check = RequestQueue.prototype.checkPendingRequests;
RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
  checks += 1;
  check.call(this);
};
afterAll(() => {
  RequestQueue.prototype.checkPendingRequests = check;
});

it('an idle, connected client does not spin on its empty request queues', async () => {
  const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'platform-idle-test', logger: deferredLogger() });
  const producer = kafka.producer();
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  try {
    await admin.listTopics(); // a request answered: what started the loop before the fix
    await sleep(100);
    const before = checks;
    // The one fixed wait in this suite: it measures what happens while nothing happens.
    await sleep(1_000);
    // kafkajs 2.2.4 unpatched: about a thousand checks a second per connection.
    expect(checks - before).toBeLessThan(20);
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
});
