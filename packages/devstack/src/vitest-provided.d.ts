// What vitest-global-setup.ts provides to every test project; read with `inject(...)`.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL; use createTestDatabase(url, prefix) for a database of your own. */
    databaseUrl: string;
    /** Comma-separated host:port list. */
    kafkaBrokers: string;
    smtpHost: string;
    smtpPort: number;
    /** Mailpit-compatible API base URL (our sink, or Mailpit itself). */
    smtpApiUrl: string;
    /** See devstackControl(): stop/start Kafka, take SMTP down and up. */
    devstackControlUrl: string;
    /** False when Kafka came from KAFKA_BROKERS, so tests that stop the broker should skip. */
    kafkaControllable: boolean;
    smtpControllable: boolean;
  }
}
