import { Kafka, logLevel } from 'kafkajs';

const groups = ['doctor', 'billing', 'notification', 'analytics', 'patient'];
const topics = ['patient-events', 'doctor-events', 'appointment-events', 'billing-events'];

/**
 * Waits until every consumer group has caught up with every topic it reads, so one scenario's
 * asynchronous tail (invoices, emails, analytics) does not load the next one.
 */
export async function waitForQuiet(brokers: string[], timeoutMs = 300_000): Promise<number> {
  const admin = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const started = Date.now();
  try {
    for (;;) {
      const ends = new Map<string, number>();
      for (const topic of topics) {
        for (const partition of await admin.fetchTopicOffsets(topic).catch(() => [])) {
          ends.set(`${topic}/${partition.partition}`, Number(partition.offset));
        }
      }
      let lag = 0;
      for (const groupId of groups) {
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
          for (const { partition, offset } of partitions) {
            if (Number(offset) < 0) continue; // the group does not read this topic
            lag += Math.max(0, (ends.get(`${topic}/${partition}`) ?? 0) - Number(offset));
          }
        }
      }
      if (lag === 0) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`consumers still ${lag} events behind after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await admin.disconnect();
  }
}
