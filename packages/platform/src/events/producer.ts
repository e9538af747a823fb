import { Partitioners, type Kafka, type Producer, type ProducerConfig } from 'kafkajs';

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
