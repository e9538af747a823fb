import { authTopics, parseEvent } from '@pms/contracts';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { RevocationList } from '../auth/revocations.js';
import { backoff, delay, ensureTopics, type EventLogger } from './kafka.js';

export interface RevocationFeedStart {
  kafka: Kafka;
  /** The service's name: the prefix of its feed's consumer group. */
  service: string;
  logger: EventLogger;
}

export interface RevocationFeed {
  /** Pass to the authentication options: tokens of revoked users are refused. */
  readonly list: RevocationList;
  /** Starts reading (in onReady, once Kafka is at hand); retries while Kafka is down. */
  start(options: RevocationFeedStart): void;
  /** A readiness check: throws until the feed has read every revocation published before it started. */
  caughtUp(): Promise<void>;
  /** Resolves once caught up (tests). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every replica of every service reads all of auth-revocations (a consumer group of its own,
 * from the beginning), so each one knows every revoked user within the feed's latency —
 * seconds — without asking auth on every request. Until it has caught up, readiness says so.
 */
export function createRevocationFeed(list = new RevocationList()): RevocationFeed {
  const topic = authTopics.revocations;
  const stopping = new AbortController();
  let resolveReady: () => void = () => undefined;
  let caughtUp = false;
  let running: Promise<void> | undefined;
  let disconnect: () => Promise<void> = async () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const markCaughtUp = () => {
    caughtUp = true;
    resolveReady();
  };
  const pruning = setInterval(() => list.prune(), 60_000);
  pruning.unref();

  async function consume({ kafka, service, logger }: RevocationFeedStart): Promise<void> {
    await ensureTopics(kafka, [topic], 1);
    const admin = kafka.admin();
    await admin.connect();
    // What "caught up" means: the end of every partition as it was at start.
    const ends = new Map((await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())).map((p) => [p.partition, Number(p.high)]));
    const pending = new Set([...ends].filter(([, high]) => high > 0).map(([partition]) => partition));
    if (pending.size === 0) markCaughtUp();
    const consumer = kafka.consumer({ groupId: `${service}.revocations.${randomUUID()}`, sessionTimeout: 10_000 });
    disconnect = () => consumer.disconnect().catch(() => undefined);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const parsed = parseEvent(JSON.parse(message.value?.toString() ?? 'null'));
        if (parsed.ok && parsed.event.type === 'UserTokensRevoked') list.revoke(parsed.event.data.userId, parsed.event.data.notBefore);
        else logger.warn({ topic, offset: message.offset }, 'revocation feed: skipped a message that is not UserTokensRevoked');
        if (pending.has(partition) && Number(message.offset) + 1 >= (ends.get(partition) ?? 0)) {
          pending.delete(partition);
          if (pending.size === 0) markCaughtUp();
        }
      },
    });
  }

  return {
    list,
    ready,
    start(options) {
      running ??= (async () => {
        for (let attempt = 1; !stopping.signal.aborted; attempt++) {
          try {
            return await consume(options);
          } catch (error) {
            await disconnect();
            options.logger.warn({ err: error, attempt }, 'revocation feed could not start yet; retrying');
            await delay(backoff(attempt, 500, 10_000), stopping.signal);
          }
        }
      })();
    },
    async caughtUp() {
      if (!caughtUp) throw new Error('the revocation feed has not caught up yet');
    },
    async stop() {
      clearInterval(pruning);
      stopping.abort();
      await running;
      await disconnect();
    },
  };
}
