import { asc, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Kafka } from 'kafkajs';
import type { ListenMeta } from 'postgres';
import type { DatabaseHandle } from '../db/database.js';
import { backoff, delay, ensureTopics, sharedProducer, type EventLogger } from './kafka.js';
import { outbox } from './tables.js';

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
}

export interface OutboxRelay {
  /** Publishes everything unsent now and says how many went; rejects if Kafka is unreachable. */
  flush(): Promise<number>;
  /** Events not yet published (a gauge for /metrics). */
  pending(): Promise<number>;
  stop(): Promise<void>;
}

type Row = Pick<typeof outbox.$inferSelect, 'id' | 'topic' | 'key' | 'type' | 'payload'>;

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
  const stopping = new AbortController();
  const knownTopics = new Set<string>();
  // Idempotent with one request in flight: Kafka keeps the relay's order even across retries.
  const producer = sharedProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  let listener: Promise<ListenMeta | undefined> | undefined;
  let dirty = true;
  let backingOff = false;
  let wake: (() => void) | undefined;
  let lastCleanup = Date.now();
  let running: Promise<unknown> = Promise.resolve();

  const signal = () => {
    dirty = true;
    if (!backingOff) wake?.();
  };

  // postgres.js re-runs onlisten after reconnecting: catch up on what was missed meanwhile.
  const listen = () => {
    listener ??= handle.sql.listen('outbox', signal, signal).catch((error: unknown) => {
      logger.warn({ err: error }, 'outbox relay: LISTEN failed, polling until it works');
      listener = undefined;
      return undefined;
    });
  };

  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = running.then(work);
    running = next.catch(() => undefined);
    return next;
  };

  async function send(rows: Row[]): Promise<void> {
    const topics = [...new Set(rows.map((row) => row.topic))];
    const unknown = topics.filter((topic) => !knownTopics.has(topic));
    if (unknown.length > 0) {
      await ensureTopics(kafka, unknown, options.partitions);
      unknown.forEach((topic) => knownTopics.add(topic));
    }
    const target = await producer.get();
    try {
      await target.sendBatch({
        acks: -1,
        topicMessages: topics.map((topic) => ({
          topic,
          messages: rows
            .filter((row) => row.topic === topic)
            .map((row) => ({
              key: row.key,
              value: JSON.stringify(row.payload),
              headers: { 'x-event-id': row.id, 'x-event-type': row.type },
            })),
        })),
      });
    } catch (error) {
      // A fresh producer (new producer id) after an outage avoids stale idempotence state.
      await producer.discard();
      throw error;
    }
  }

  async function publishBatch(): Promise<number> {
    const outcome = await handle.db.transaction(async (tx) => {
      // One relay per database at a time: batches of two replicas could overtake each other.
      const [lock] = await tx.execute<{ locked: boolean }>(
        sql`select pg_try_advisory_xact_lock(hashtext('pms:outbox-relay')) as locked`,
      );
      if (!lock?.locked) return { sent: 0 };
      const rows = await tx
        .select({ id: outbox.id, topic: outbox.topic, key: outbox.key, type: outbox.type, payload: outbox.payload })
        .from(outbox)
        .where(isNull(outbox.sentAt))
        .orderBy(asc(outbox.sequence))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return { sent: 0 };
      const ids = rows.map((row) => row.id);
      const attempts = sql`${outbox.attempts} + 1`;
      try {
        await send(rows);
      } catch (error) {
        await tx.update(outbox).set({ attempts }).where(inArray(outbox.id, ids));
        return { sent: 0, error };
      }
      await tx.update(outbox).set({ attempts, sentAt: sql`now()` }).where(inArray(outbox.id, ids));
      return { sent: rows.length };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.sent;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await publishBatch();
      total += sent;
      if (sent < batchSize || stopping.signal.aborted) return total;
    }
  }

  async function cleanup(): Promise<void> {
    if (Date.now() - lastCleanup < 600_000) return;
    lastCleanup = Date.now();
    await handle.db.delete(outbox).where(lt(outbox.sentAt, sql`now() - make_interval(secs => ${retainSentMs / 1000})`));
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      listen();
      dirty = false;
      try {
        await exclusive(drain);
        if (failures > 0) logger.info({ failures }, 'outbox relay: publishing again');
        failures = 0;
        await cleanup();
      } catch (error) {
        failures += 1;
        const retryInMs = backoff(failures, retry.initialDelayMs, retry.maxDelayMs);
        logger.warn({ err: error, failures, retryInMs }, 'outbox relay: publish failed, events stay in the outbox');
        backingOff = true;
        await delay(retryInMs, stopping.signal);
        backingOff = false;
        continue;
      }
      if (dirty) continue;
      const cut = new AbortController();
      wake = () => cut.abort();
      await delay(pollIntervalMs, AbortSignal.any([stopping.signal, cut.signal]));
      wake = undefined;
    }
  }

  // Connecting up front spares the first event the producer handshake.
  producer.get().catch(() => undefined);
  const looping = loop().catch((error: unknown) => logger.error({ err: error }, 'outbox relay stopped unexpectedly'));

  return {
    flush: () => exclusive(drain),
    pending: () => handle.db.$count(outbox, isNull(outbox.sentAt)),
    async stop() {
      stopping.abort();
      await looping;
      await running;
      await (await listener)?.unlisten().catch(() => undefined);
      await producer.discard();
    },
  };
}
