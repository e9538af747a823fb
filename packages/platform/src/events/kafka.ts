import {
  Kafka,
  logLevel,
  Partitioners,
  type KafkaConfig,
  type logCreator,
  type Producer,
  type ProducerConfig,
  type RetryOptions,
} from 'kafkajs';

/** The part of a pino logger the events module uses. */
export interface EventLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaOptions {
  /** A list, or a comma-separated string as in KAFKA_BROKERS. */
  brokers: string[] | string;
  clientId: string;
  logger: EventLogger;
  /** kafkajs' own log level; `warn` keeps its chatter out of service logs. */
  logLevel?: KafkaLogLevel;
  connectionTimeout?: number;
  requestTimeout?: number;
  retry?: RetryOptions;
}

const levels = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

// Warnings about settings we chose on purpose (bounded retries make a down broker fail fast).
const expectedNoise = [/Limiting retries for the idempotent producer/, /switched default partitioner/];

/**
 * kafkajs logs every failed attempt at ERROR; what matters is the outcome, which the relay,
 * the consumer and kafkajs' consumer restarts report. A down broker must not flood the logs.
 */
function levelOf(namespace: string, level: logLevel, message: string): keyof EventLogger {
  if (expectedNoise.some((noise) => noise.test(message))) return 'debug';
  if (level === logLevel.ERROR && (namespace === 'Connection' || namespace === 'BrokerPool')) return 'debug';
  if (level === logLevel.ERROR && /^(Crash|Restarting the consumer)/.test(message)) return 'warn';
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  return level === logLevel.INFO ? 'info' : 'debug';
}

const routeTo =
  (logger: EventLogger): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
    logger[levelOf(namespace, level, message)]({ kafka: namespace, ...fields }, message);
  };

/**
 * A kafkajs client whose failures surface in seconds, not minutes: short timeouts and a
 * bounded retry budget. The relay and consumers retry on their own schedule above it.
 */
export function createKafka(options: KafkaOptions): Kafka {
  const brokers = typeof options.brokers === 'string' ? options.brokers.split(',') : options.brokers;
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: brokers.map((broker) => broker.trim()).filter(Boolean),
    connectionTimeout: options.connectionTimeout ?? 3_000,
    requestTimeout: options.requestTimeout ?? 10_000,
    retry: options.retry ?? { initialRetryTime: 200, maxRetryTime: 5_000, retries: 5 },
    logLevel: levels[options.logLevel ?? 'warn'],
    logCreator: routeTo(options.logger),
  };
  return new Kafka(config);
}

/** Creates the topics that do not exist yet; already existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
    });
    // A fresh broker can answer "does not host this topic-partition" for a moment after
    // creation; wait until the metadata shows a leader for every new partition.
    for (let attempt = 1; ; attempt++) {
      try {
        const { topics: described } = await admin.fetchTopicMetadata({ topics: missing });
        if (described.every((topic) => topic.partitions.every((partition) => partition.leader >= 0))) return;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
      if (attempt >= 20) return;
      await delay(100 * attempt);
    }
  } finally {
    await admin.disconnect();
  }
}

export interface SharedProducer {
  /** The connected producer; connects on first use and again after `discard()`. */
  get(): Promise<Producer>;
  /** Drops a producer that failed, so the next `get()` starts afresh (new producer id). */
  discard(): Promise<void>;
}

/** One producer shared by concurrent callers, connected once. */
export function sharedProducer(kafka: Kafka, config: ProducerConfig = {}): SharedProducer {
  let current: Promise<Producer> | undefined;
  const connect = async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, ...config });
    try {
      await producer.connect();
      return producer;
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  };
  return {
    get: () =>
      (current ??= connect().catch((error: unknown) => {
        current = undefined;
        throw error;
      })),
    async discard() {
      const producer = await current?.catch(() => undefined);
      current = undefined;
      await producer?.disconnect().catch(() => undefined);
    },
  };
}

/** Resolves after `ms`, or as soon as `signal` aborts (shutdown must not wait out a backoff). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with ±20 % jitter, so replicas do not retry in lockstep. */
export const backoff = (attempt: number, initialMs: number, maxMs: number) =>
  Math.round(Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1)) * (0.8 + Math.random() * 0.4));

/**
 * kafkajs takes its logger when the client is made, in main.ts, before the service's own
 * logger exists (buildApp makes it). Hand kafkajs this one and `attach` app.log once built;
 * kafkajs logs nothing before the app connects in onReady.
 */
export function deferredLogger(): EventLogger & { attach(target: EventLogger): void } {
  let target: EventLogger | undefined;
  return {
    attach: (logger) => {
      target = logger;
    },
    error: (obj, msg) => target?.error(obj, msg),
    warn: (obj, msg) => target?.warn(obj, msg),
    info: (obj, msg) => target?.info(obj, msg),
    debug: (obj, msg) => target?.debug(obj, msg),
  };
}
