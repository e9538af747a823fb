import type { Admin, Kafka } from 'kafkajs';

export interface KafkaProbe {
  /** Resolves when a broker answers a metadata request. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** A readiness check for Kafka on one shared admin client: probes never pile up connections. */
export function createKafkaProbe(kafka: Kafka): KafkaProbe {
  let connecting: Promise<Admin> | undefined;
  const connected = () =>
    (connecting ??= (async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        return admin;
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        throw error;
      }
    })().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    }));
  return {
    async check() {
      await (await connected()).describeCluster();
    },
    async close() {
      const admin = await connecting?.catch(() => undefined);
      connecting = undefined;
      await admin?.disconnect();
    },
  };
}
