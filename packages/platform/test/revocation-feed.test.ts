import type {} from '../../devstack/src/vitest-provided.js';
import { authTopics } from '@pms/contracts';
import { Partitioners, type Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createKafka, createRevocationFeed, type EventLogger } from '../src/events/index.js';
import { createService, principalOf } from '../src/index.js';
import { createTestTokenIssuer } from '../src/testing/index.js';

const quiet = () => undefined;
const logger: EventLogger = { error: quiet, warn: quiet, info: quiet, debug: quiet };
let kafka: Kafka;

beforeAll(() => {
  kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'revocation-feed-test', logger });
});

async function publishRevocation(userId: string, notBefore: number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const event = {
    id: randomUUID(),
    type: 'UserTokensRevoked',
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'auth',
    subject: userId,
    data: { userId, notBefore, reason: 'LOGOUT' },
    requestId: null,
  };
  await producer.send({ topic: authTopics.revocations, messages: [{ key: userId, value: JSON.stringify(event) }] });
  await producer.disconnect();
}

describe('revocation feed', () => {
  const feeds: ReturnType<typeof createRevocationFeed>[] = [];
  afterAll(() => Promise.all(feeds.map((feed) => feed.stop())));

  it('knows revocations published before it started, and learns new ones within seconds', async () => {
    const early = randomUUID();
    const bound = Math.floor(Date.now() / 1000) + 1;
    await publishRevocation(early, bound);

    const feed = createRevocationFeed();
    feeds.push(feed);
    feed.start({ kafka, service: 'feed-test', logger });
    await expect(feed.caughtUp()).rejects.toThrow(/not caught up/);
    await feed.ready;
    await feed.caughtUp();
    // Caught up means the earlier revocation is known, not merely that the consumer joined.
    expect(feed.list.isRevoked(early, bound - 1)).toBe(true);
    expect(feed.list.isRevoked(early, bound)).toBe(false);

    const late = randomUUID();
    await publishRevocation(late, bound);
    await vi.waitFor(() => expect(feed.list.isRevoked(late, bound - 1)).toBe(true), { timeout: 10_000, interval: 50 });
  });

  it('every replica learns every revocation (a consumer group per replica, not shared)', async () => {
    const [one, two] = [createRevocationFeed(), createRevocationFeed()];
    feeds.push(one, two);
    for (const feed of [one, two]) feed.start({ kafka, service: 'feed-replicas', logger });
    await Promise.all([one.ready, two.ready]);
    const userId = randomUUID();
    const bound = Math.floor(Date.now() / 1000) + 1;
    await publishRevocation(userId, bound);
    await vi.waitFor(
      () => {
        expect(one.list.isRevoked(userId, bound - 1)).toBe(true);
        expect(two.list.isRevoked(userId, bound - 1)).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});

describe('createService with revocations', () => {
  it('reports the feed in readiness until it caught up, and refuses revoked tokens', async () => {
    const issuer = createTestTokenIssuer();
    const revokedEarly = randomUUID();
    // Every token of this user issued in the next hour is refused, however slow the start.
    await publishRevocation(revokedEarly, Math.floor(Date.now() / 1000) + 3_600);
    const app = await createService({
      name: 'feed-service',
      logLevel: 'silent',
      authentication: { keys: { jwks: issuer.jwks }, issuer: issuer.issuer, audience: issuer.audience },
      revocations: { kafka },
      readiness: { own: async () => {} },
    });
    app.get('/api/whoami', async (request) => principalOf(request));
    const whoami = (sub: string) =>
      app.inject({ url: '/api/whoami', headers: { authorization: `Bearer ${issuer.token({ role: 'patient', sub })}` } });
    try {
      // Before ready nothing reads the topic: readiness names the feed beside the service's own checks.
      const early = await app.inject('/health/ready');
      expect(early.json()).toEqual({ status: 'unavailable', checks: { revocations: expect.stringMatching(/not caught up/), own: 'ok' } });
      await app.ready();
      await expect
        .poll(async () => (await app.inject('/health/ready')).json(), { timeout: 20_000 })
        .toEqual({ status: 'ok', checks: { revocations: 'ok', own: 'ok' } });
      expect((await whoami(revokedEarly)).json()).toMatchObject({ code: 'TOKEN_REVOKED' });
      expect((await whoami(randomUUID())).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
