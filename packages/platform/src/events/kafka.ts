import { Kafka, logLevel, type KafkaConfig, type logCreator, type RetryOptions } from 'kafkajs';
import { fixKafkajsIdleLoop } from './kafkajs-idle-fix.js';
import type { EventLogger } from './logger.js';

// relay.ts and consumer.ts still import these from here.
export { backoff, delay } from '../retry.js';
export { deferredLogger, type EventLogger } from './logger.js';
export { sharedProducer, type SharedProducer } from './producer.js';
export { ensureTopics } from './topics.js';

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
  fixKafkajsIdleLoop();
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
