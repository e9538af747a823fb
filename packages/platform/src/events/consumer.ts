import { sql } from 'drizzle-orm';
import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterTopic, parseEvent, type EventType, type TypedEvent } from '@pms/contracts';
import type { DatabaseHandle, Transaction } from '../db/database.js';
import { isAppError } from '../errors.js';
import { noForeground, type Foreground } from '../foreground.js';
import { coalesce, mergeByTime } from './coalesce.js';
import { backoff, delay, ensureTopics, sharedProducer, type EventLogger } from './kafka.js';
import { newEventFlowStats, type EventFlowStats } from './stats.js';
import { inEventTrace, inProcessSpan, type ConsumedEvent } from './tracing.js';

export type EventHandler<T extends EventType> = (event: TypedEvent<T>, tx: Transaction) => Promise<unknown>;
/** Handlers by event type; types without one are acknowledged and skipped. */
export type EventHandlers = { [T in EventType]?: EventHandler<T> };

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: DatabaseHandle;
  handlers: EventHandlers;
  logger: EventLogger;
  /** In-process retries of a failing handler before the event is dead-lettered. */
  retry?: { attempts: number; initialDelayMs: number; maxDelayMs?: number };
  /** Where a new group starts; from the beginning by default, so no event before its first join is missed. */
  fromBeginning?: boolean;
  /** Partitions of the topics (and dead-letter topics) created when missing. */
  partitions?: number;
  /** Partitions processed in parallel (order holds within each). */
  concurrency?: number;
  /** Events applied in one transaction at most (consecutive events of one partition). */
  maxBatchSize?: number;
  /**
   * Applies the new events of a batch at once, so their effects can be written with multi-row
   * statements (in order; only events that have a handler, none already processed). The
   * per-event handlers still apply them one by one when a batch fails (retries, dead letter).
   */
  handleBatch?: (events: TypedEvent[], tx: Transaction) => Promise<unknown>;
  /**
   * How long the broker waits for a silent member. It also bounds how long a restarted
   * consumer waits to rejoin after a broker restart (its old membership must expire first).
   */
  sessionTimeoutMs?: number;
  /**
   * How the broker fills a fetch: it answers once `minBytes` have arrived, or after
   * `maxWaitTimeInMs`. Under load a fetch then carries many events (one transaction, one offset
   * commit for all of them) instead of the one or two that arrived since the last; at rest an
   * event waits up to `maxWaitTimeInMs`. Defaults 64 KiB and 100 ms (see the README's benchmark).
   */
  fetch?: { minBytes?: number; maxWaitTimeInMs?: number };
  /** The process's request path: a batch is applied once it is quiet (bounded wait). */
  foreground?: Foreground;
  /** Counted here: partition batches, events, transactions. */
  stats?: EventFlowStats;
}

export interface EventConsumer {
  /** Resolves once the group is joined and partitions assigned (and, from latest, the start offsets fixed). */
  ready: Promise<void>;
  /** A readiness check: resolves once the group is joined, throws naming the group before. */
  joined(): Promise<void>;
  stop(): Promise<void>;
}

type Meta = { topic: string; partition: number; message: KafkaMessage };
/** A decoded event of a batch; no handler means this group skips its type. */
type Item = { meta: Meta; event: TypedEvent; handler: EventHandler<EventType> | undefined };

// Not the event's fault and not fixable by retrying: straight to the dead-letter topic.
const rejected = new Set(['BAD_INPUT', 'NOT_FOUND', 'UNPROCESSABLE']);

const outageCodes = /^(08|57P0[123]|53300$)|^CONNECT|^ECONN|^ETIMEDOUT|^EPIPE/;

/** A dependency is down (database, gRPC peer): the event waits, uncommitted, instead of being dead-lettered. */
function isOutage(error: unknown): boolean {
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    if (isAppError(current)) return current.kind === 'UNAVAILABLE';
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && outageCodes.test(code)) return true;
  }
  return false;
}

const reasonOf = (error: unknown) =>
  isAppError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);

/** Readiness check for a consumer started in onReady: not started yet counts as not joined. */
export const consumerJoined = (consumer: EventConsumer | undefined): Promise<void> =>
  consumer ? consumer.joined() : Promise.reject(new Error('event consumer not started yet'));

/**
 * Consumes whole topics as one group. Events are applied in batches, each batch in one
 * transaction with the processed_events rows of its events (a redelivery has no second
 * effect); offsets are committed only after the effect or the dead letter, so nothing is
 * dropped silently. Handlers stay per event: the batch runs them in order in its transaction.
 */
export function startConsumer(options: ConsumerOptions): EventConsumer {
  const { kafka, groupId, topics, handle, handlers, logger } = options;
  const retry = { maxDelayMs: 30_000, ...(options.retry ?? { attempts: 5, initialDelayMs: 200 }) };
  const fromBeginning = options.fromBeginning ?? true;
  const foreground = options.foreground ?? noForeground;
  const stats = options.stats ?? newEventFlowStats();
  const stopping = new AbortController();
  let consumer: Consumer | undefined;
  const producer = sharedProducer(kafka);
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let isReady = false;
  void ready.then(() => (isReady = true));

  async function deadLetter({ topic, partition, message }: Meta, reason: string): Promise<void> {
    const target = await producer.get();
    await target.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'x-dlq-reason': reason.slice(0, 4_000),
            'x-original-topic': topic,
            'x-original-partition': String(partition),
            'x-original-offset': message.offset,
            'x-consumer-group': groupId,
          },
        },
      ],
    });
    logger.warn({ topic, partition, offset: message.offset, groupId, reason }, 'event dead-lettered');
  }

  /**
   * Applies consecutive events of one partition in one transaction: their processed_events rows
   * in one statement (the ids this group had not seen come back), then each new event's handler
   * in order. Undefined when applied; when a handler failed (and the transaction rolled back),
   * which event failed and how, so that failure counts as the event's first attempt.
   */
  async function applyBatch(items: Item[]): Promise<{ eventId?: string; error: unknown } | undefined> {
    const handled = items.filter((item) => item.handler);
    if (handled.length === 0) return undefined;
    let failed: { eventId?: string; error: unknown } | undefined;
    try {
      stats.consumer.transactions += 1;
      await inProcessSpan(groupId, handled.map(consumedEvent), () => handle.db.transaction(async (tx) => {
        const fresh = await tx.execute<{ event_id: string }>(sql`
          insert into processed_events (event_id, consumer_group)
          select unnest(${sql.param(handled.map((item) => item.event.id))}::uuid[]), ${groupId}
          on conflict do nothing returning event_id`);
        const isFresh = new Set(fresh.map((row) => row.event_id));
        // Deleted once taken: a duplicate later in the same batch is skipped like a redelivery.
        const events = handled.filter((item) => isFresh.delete(item.event.id));
        if (options.handleBatch) {
          await options.handleBatch(events.map((item) => item.event), tx);
          return;
        }
        for (const { event, handler } of events) {
          try {
            await inEventTrace(event, () => handler!(event, tx));
          } catch (error) {
            failed = { eventId: event.id, error };
            throw error;
          }
        }
      }));
      logger.debug({ groupId, events: handled.length }, 'event batch handled');
      return undefined;
    } catch (error) {
      if (stopping.signal.aborted) throw error;
      logger.debug({ groupId, err: error, events: handled.length }, 'event batch failed, applying its events one by one');
      return failed ?? { error };
    }
  }

  /**
   * The runs of the partitions of one fetch, applied in one transaction, interleaved by when
   * their events occurred (each partition in its own order): a welcome email is still logged
   * before the booking confirmation that came a moment later on another topic.
   */
  const applyTogether = coalesce(applyBatch, (runs: Item[][]) => mergeByTime(runs, (item) => Date.parse(item.event.occurredAt)));

  /** One event in its own transaction (the fallback of a failed batch): retries, dead letter or outage. */
  const apply = (item: Item, handler: EventHandler<EventType>) =>
    inProcessSpan(groupId, [consumedEvent(item)], () => handle.db.transaction(async (tx) => {
      const { event } = item;
      stats.consumer.transactions += 1;
      const inserted = await tx.execute(sql`
        insert into processed_events (event_id, consumer_group) values (${event.id}, ${groupId})
        on conflict do nothing returning event_id`);
      if (inserted.length === 0) return false;
      await handler(event, tx);
      return true;
    }));

  /** `firstFailure`: the event's handler already failed once, in a batch (its first attempt). */
  async function onMessage(meta: Meta, heartbeat: () => Promise<void>, firstFailure?: { error: unknown }): Promise<void> {
    const parsed = decode(meta.message.value);
    if (!parsed.ok) return deadLetter(meta, parsed.reason);
    const { event } = parsed;
    const handler = handlers[event.type] as EventHandler<EventType> | undefined;
    if (!handler) return;
    const context = { groupId, eventId: event.id, type: event.type, topic: meta.topic, offset: meta.message.offset };
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (attempt === 1 && firstFailure) throw firstFailure.error;
        const applied = await apply({ meta, event, handler }, handler);
        logger.debug(context, applied ? 'event handled' : 'event already handled, skipped');
        return;
      } catch (error) {
        // Left uncommitted: redelivered to this group later instead of dead-lettered.
        if (stopping.signal.aborted) throw error;
        if (isAppError(error) && rejected.has(error.kind)) return deadLetter(meta, `handler rejected: ${reasonOf(error)}`);
        if (attempt >= retry.attempts) {
          if (isOutage(error)) throw error;
          return deadLetter(meta, `handler failed after ${attempt} attempts: ${reasonOf(error)}`);
        }
        const retryInMs = backoff(attempt, retry.initialDelayMs, retry.maxDelayMs);
        logger.warn({ ...context, err: error, attempt, retryInMs }, 'event handler failed, retrying');
        await pause(retryInMs, heartbeat);
      }
    }
  }

  /**
   * Runs of decodable events are applied a batch at a time; when a batch fails, its events go
   * one by one through onMessage (retries, dead letter with the reason, or the outage that
   * leaves them uncommitted). An undecodable message is dead-lettered in its place in the
   * order. Offsets are resolved only after the effects (or dead letters) of what they cover.
   */
  async function onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const maxBatchSize = options.maxBatchSize ?? 100;
    stats.consumer.partitionBatches += 1;
    stats.consumer.events += batch.messages.length;
    await foreground.quiet();
    let run: Item[] = [];
    const applyRun = async () => {
      const items = run;
      run = [];
      if (items.length === 0) return;
      const failed = await applyTogether(items);
      if (failed) {
        for (const item of items) {
          await onMessage(item.meta, heartbeat, item.event.id === failed.eventId ? failed : undefined);
          resolveOffset(item.meta.message.offset);
        }
      }
      resolveOffset(items.at(-1)!.meta.message.offset);
      await heartbeat();
    };
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const meta = metaOf(batch, message);
      const parsed = decode(message.value);
      if (!parsed.ok) {
        await applyRun();
        await deadLetter(meta, parsed.reason);
        resolveOffset(message.offset);
        continue;
      }
      run.push({ meta, event: parsed.event, handler: handlers[parsed.event.type] as EventHandler<EventType> | undefined });
      if (run.length >= maxBatchSize) await applyRun();
    }
    await applyRun();
  }

  /** A backoff that keeps heartbeating, so a long one does not cost the group membership. */
  async function pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    for (const until = Date.now() + ms; Date.now() < until && !stopping.signal.aborted; ) {
      await delay(Math.min(1_000, until - Date.now()), stopping.signal);
      await heartbeat();
    }
  }

  async function run(): Promise<void> {
    for (let failures = 1; !stopping.signal.aborted; failures += 1) {
      const created = kafka.consumer({
        groupId,
        minBytes: options.fetch?.minBytes ?? 65_536,
        maxWaitTimeInMs: options.fetch?.maxWaitTimeInMs ?? 100,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1_000,
        allowAutoTopicCreation: false,
      });
      consumer = created;
      let joined = false;
      created.on(created.events.GROUP_JOIN, () => {
        joined = true;
        if (fromBeginning) markReady();
      });
      // Starting from the latest offset, nothing is missed only once the first fetch has resolved it.
      created.on(created.events.FETCH, () => joined && markReady());
      created.on(created.events.CRASH, ({ payload }) => {
        // kafkajs restarts itself after retriable crashes; after the others, so do we.
        if (payload.restart || stopping.signal.aborted) return;
        logger.error({ err: payload.error, groupId }, 'consumer crashed, restarting it');
        void created.disconnect().finally(() => run());
      });
      try {
        await ensureTopics(kafka, [...topics, ...topics.map(deadLetterTopic)], options.partitions);
        await created.connect();
        await created.subscribe({ topics, fromBeginning });
        await created.run({
          partitionsConsumedConcurrently: options.concurrency ?? 3,
          eachBatchAutoResolve: false,
          eachBatch: onBatch,
        });
        return;
      } catch (error) {
        await created.disconnect().catch(() => undefined);
        const retryInMs = backoff(failures, 500, 15_000);
        logger.warn({ err: error, groupId, retryInMs }, 'consumer could not start, retrying');
        await delay(retryInMs, stopping.signal);
      }
    }
  }

  void run();

  return {
    ready,
    async joined() {
      if (!isReady) throw new Error(`consumer group ${groupId} has not joined yet`);
    },
    async stop() {
      stopping.abort();
      await consumer?.disconnect().catch(() => undefined);
      await producer.discard();
    },
  };
}

const metaOf = (batch: Batch, message: KafkaMessage): Meta => ({ topic: batch.topic, partition: batch.partition, message });

const consumedEvent = ({ meta, event }: Item): ConsumedEvent => ({
  id: event.id,
  type: event.type,
  topic: meta.topic,
  traceparent: meta.message.headers?.traceparent?.toString(),
  source: event,
});

function decode(value: Buffer | null): ReturnType<typeof parseEvent> {
  if (!value || value.length === 0) return { ok: false, reason: 'empty message' };
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  return parseEvent(raw);
}
