// Brings the ProvidedContext types (inject(...)) into every program that uses this file.
import type {} from './vitest-provided.js';
import type { TestProject } from 'vitest/node';
import { startControlServer } from './control.js';
import { startDevstack } from './stack.js';

/**
 * Starts PostgreSQL, Kafka and the SMTP sink once per `vitest run`. Only the root config lists
 * this file: vitest runs the root project's globalSetup once and merges what it provides into
 * every project's context (projects do not inherit root options without `extends: true`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startDevstack({ ephemeral: true });
  const control = await startControlServer(stack).catch(async (err) => {
    await stack.stop();
    throw err;
  });
  const t = stack.timings;
  console.log(`devstack ready: postgres ${t.postgres} ms, kafka ${t.kafka} ms, smtp ${t.smtp} ms (${stack.dataDir})`);

  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('kafkaBrokers', stack.kafkaBrokers.join(','));
  project.provide('smtpHost', stack.smtp.host);
  project.provide('smtpPort', stack.smtp.port);
  project.provide('smtpApiUrl', stack.smtp.apiUrl);
  project.provide('devstackControlUrl', control.url);
  project.provide('kafkaControllable', stack.kafka !== undefined);
  project.provide('smtpControllable', stack.smtpSink !== undefined);

  return async () => {
    await control.close();
    await stack.stop();
  };
}
