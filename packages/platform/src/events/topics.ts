import type { Kafka } from 'kafkajs';
import { delay } from '../retry.js';

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
