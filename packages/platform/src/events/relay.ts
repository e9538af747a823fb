import { lt, sql } from 'drizzle-orm';
import type { Kafka } from 'kafkajs';
import type postgres from 'postgres';
import type { DatabaseHandle } from '../db/database.js';
import { startNotifiedLoop } from '../db/notified-loop.js';
import { noForeground, type Foreground } from '../foreground.js';
import { delay } from '../retry.js';
import { ensureTopics, sharedProducer, type EventLogger } from './kafka.js';
import { newEventFlowStats, type EventFlowStats } from './stats.js';
import { outbox } from './tables.js';
import { publishSpans } from './tracing.js';

export interface OutboxRelayOptions {
  handle: DatabaseHandle;
  kafka: Kafka;
  logger: EventLogger;
  /** Fallback when a notification is missed (LISTEN connection down). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Backoff while Kafka (or the database) is unreachable. */
  retry?: { initialDelayMs: number; maxDelayMs: number };
  /** Partitions of the topics the relay creates when they are missing. */
  partitions?: number;
  /** Sent rows are deleted after this long. */
  retainSentMs?: number;
  /** The process's request path: a round starts once it is quiet (bounded), so the request that wrote the rows answers first. */
  foreground?: Foreground;
  /**
   * How long a woken relay lets more rows arrive before it claims (default 10 ms): under load one
   * claim, send and mark carry many events, and at rest the round runs after the request that
   * caused it has answered instead of beside it.
   */
  settleMs?: number;
  /** Counted here: rounds that sent, and their events. */
  stats?: EventFlowStats;
}

export interface OutboxRelay {
  stop(): Promise<void>;
}

type Row = Pick<typeof outbox.$inferSelect, 'id' | 'topic' | 'key' | 'type' | 'payload' | 'traceparent'>;

/** Failed on the Kafka side (the database connection is fine). */
const isKafkaError = (error: unknown) => error instanceof Error && error.name.startsWith('Kafka');

/**
 * Publishes the outbox to Kafka in insert order and marks rows sent. Woken by the outbox
 * trigger's NOTIFY, polling as a fallback. Failures only delay: rows stay until Kafka acks.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { handle, kafka, logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const retry = options.retry ?? { initialDelayMs: 250, maxDelayMs: 10_000 };
  const retainSentMs = options.retainSentMs ?? 86_400_000;
  const foreground = options.foreground ?? noForeground;
  const settleMs = options.settleMs ?? 10;
  const stats = options.stats ?? newEventFlowStats();
  let stopping = false;
  const knownTopics = new Set<string>();
  // Idempotent with one request in flight: Kafka keeps the relay's order even across retries.
  const producer = sharedProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  let lastCleanup = Date.now();
  let leader: postgres.Sql | undefined;

  async function send(rows: Row[]): Promise<void> {
    const topics = [...new Set(rows.map((row) => row.topic))];
    const unknown = topics.filter((topic) => !knownTopics.has(topic));
    if (unknown.length > 0) {
      await ensureTopics(kafka, unknown, options.partitions);
      unknown.forEach((topic) => knownTopics.add(topic));
    }
    const target = await producer.get();
    const spans = publishSpans(rows);
    try {
      const sent = target.sendBatch({
        acks: -1,
        topicMessages: topics.map((topic) => ({
          topic,
          messages: rows
            .filter((row) => row.topic === topic)
            .map((row) => ({
              key: row.key,
              value: JSON.stringify(row.payload),
              headers: { 'x-event-id': row.id, 'x-event-type': row.type, ...spans.headersOf(row) },
            })),
        })),
      });
      await spans.end(sent);
      await sent;
    } catch (error) {
      // A fresh producer (new producer id) after an outage avoids stale idempotence state.
      await producer.discard();
      throw error;
    }
  }

  /**
   * One relay per database at a time: batches of two replicas could overtake each other. The
   * leader holds a session-level advisory lock on a connection of its own, and claims and marks
   * through that same connection, so a lost connection (and lock) fails the batch instead of
   * letting two leaders publish. No transaction stays open while Kafka is waited on.
   */
  async function leaderConnection(): Promise<postgres.Sql | undefined> {
    if (leader) return leader;
    const connection = handle.dedicatedConnection();
    try {
      const [lock] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext('pms:outbox-relay')) as locked`;
      if (lock?.locked) return (leader = connection);
    } catch (error) {
      await connection.end({ timeout: 1 }).catch(() => undefined);
      throw error;
    }
    await connection.end({ timeout: 1 }).catch(() => undefined);
    return undefined;
  }

  async function resign(): Promise<void> {
    const connection = leader;
    leader = undefined;
    sentNotMarked = [];
    // Closing the session releases the lock.
    await connection?.end({ timeout: 1 }).catch(() => undefined);
  }

  /**
   * Rows this leader has sent but not yet marked: the statement that claims the next batch marks
   * them, so a batch costs one round trip, not two. At rest that is the next poll (or stop()). A
   * leader that dies first leaves them unmarked and the next one sends them again; consumers
   * apply an event id once, so a resend has no second effect.
   */
  let sentNotMarked: string[] = [];

  async function markSent(connection: postgres.Sql): Promise<void> {
    if (sentNotMarked.length === 0) return;
    await connection`update outbox set attempts = attempts + 1, sent_at = now() where id = any(${sentNotMarked}::uuid[])`;
    sentNotMarked = [];
  }

  /** Mark the last batch and claim the oldest unsent rows (one statement), send them. */
  async function publishBatch(): Promise<number> {
    const connection = await leaderConnection();
    if (!connection) return 0;
    try {
      const marked = sentNotMarked;
      // The select reads the snapshot before the update: the rows it marks are left out by id.
      const rows = await connection<Row[]>`
        with marked as (
          update outbox set attempts = attempts + 1, sent_at = now() where id = any(${marked}::uuid[]))
        select id, topic, key, type, payload, traceparent from outbox
        where sent_at is null and not (id = any(${marked}::uuid[])) order by sequence limit ${batchSize}`;
      sentNotMarked = [];
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.id);
      try {
        await send(rows);
      } catch (error) {
        await connection`update outbox set attempts = attempts + 1 where id = any(${ids}::uuid[])`;
        throw error;
      }
      sentNotMarked = ids;
      stats.relay.batches += 1;
      stats.relay.events += rows.length;
      return rows.length;
    } catch (error) {
      // A broken leader connection may have lost the lock: take it again before the next batch.
      if (!isKafkaError(error)) await resign();
      throw error;
    }
  }

  async function drain(): Promise<void> {
    while ((await publishBatch()) === batchSize && !stopping);
  }

  async function cleanup(): Promise<void> {
    if (Date.now() - lastCleanup < 600_000) return;
    lastCleanup = Date.now();
    await handle.db.delete(outbox).where(lt(outbox.sentAt, sql`now() - make_interval(secs => ${retainSentMs / 1000})`));
  }

  // Connecting up front spares the first event the producer handshake.
  producer.get().catch(() => undefined);
  const loop = startNotifiedLoop({
    handle,
    channel: 'outbox',
    name: 'outbox relay',
    logger,
    pollIntervalMs,
    retry,
    failureMessage: 'outbox relay: publish failed, events stay in the outbox',
    async work() {
      await delay(settleMs);
      await foreground.quiet();
      await drain();
      await cleanup();
      return false;
    },
  });

  return {
    async stop() {
      stopping = true;
      await loop.stop();
      if (leader) await markSent(leader).catch((error: unknown) => logger.warn({ err: error }, 'outbox relay: last batch not marked sent; it is sent again at the next start'));
      await producer.discard();
      await resign();
    },
  };
}
