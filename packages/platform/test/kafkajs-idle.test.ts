import type {} from '../../devstack/src/vitest-provided.js';
import { createRequire } from 'node:module';
import { afterAll, expect, inject, it } from 'vitest';
import { createKafka } from '../src/events/kafka.js';
import { deferredLogger } from '../src/events/logger.js';

interface RequestQueue {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}
const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };

// Every request queue that looked at itself: one per broker connection.
const queues = new Set<RequestQueue>();
const check = RequestQueue.prototype.checkPendingRequests;
RequestQueue.prototype.checkPendingRequests = function (this: RequestQueue) {
  queues.add(this);
  check.call(this);
};
afterAll(() => {
  RequestQueue.prototype.checkPendingRequests = check;
});

it('an idle, connected client keeps no timer re-arming on its empty request queues', async () => {
  const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'platform-idle-test', logger: deferredLogger() });
  const producer = kafka.producer();
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  try {
    // An answered request runs the check; unpatched kafkajs 2.2.4 then re-arms a 1 ms timer on
    // the empty queue, forever (about a thousand checks a second per connection).
    await admin.listTopics();
    const idle = [...queues].filter((queue) => queue.pending.length === 0);
    expect(idle.length).toBeGreaterThan(0);
    expect(idle.filter((queue) => queue.throttleCheckTimeoutId !== null)).toEqual([]);
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
});
