// Brings the ProvidedContext types (inject(...)) into every program that uses this file.
import type {} from './vitest-provided.js';
import { inject } from 'vitest';
import { devstackControl } from './control.js';
import { createTestDatabase } from './postgres.js';

/** Helpers for test files; only valid inside a vitest run whose globalSetup is vitest-global-setup.ts. */

/** A fresh database of your own on the shared server, e.g. `await testDatabaseUrl('patient')`. */
export function testDatabaseUrl(prefix: string): Promise<string> {
  return createTestDatabase(inject('databaseUrl'), prefix);
}

export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers').split(',');
}

export function smtpSettings(): { host: string; port: number; apiUrl: string } {
  return { host: inject('smtpHost'), port: inject('smtpPort'), apiUrl: inject('smtpApiUrl') };
}

/** stopKafka(), startKafka(), setSmtpAvailable(bool) on the shared stack. */
export function control(): ReturnType<typeof devstackControl> {
  return devstackControl(inject('devstackControlUrl'));
}
export { startServiceProcess, type ServiceProcess } from './service-process.js';
