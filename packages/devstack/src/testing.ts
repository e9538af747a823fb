// Brings the ProvidedContext types (inject(...)) into every program that uses this file.
import type {} from './vitest-provided.js';
import { inject } from 'vitest';
import { devstackControl } from './control.js';
import { fhirValidatorAt, type FhirValidator } from './fhir-validator.js';
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
/**
 * The run's shared HAPI FHIR validator (started on the first call in the whole run, stopped when
 * the run ends; close() on it is a no-op). Check with expectValidFhir(validator, resource).
 */
export async function sharedFhirValidator(): Promise<FhirValidator> {
  return fhirValidatorAt(await control().fhirValidatorUrl());
}
export { startFhirValidator, expectValidFhir, fhirErrors, formatFhirIssues, type FhirIssue, type FhirValidator } from './fhir-validator.js';
export { startServiceProcess, type ServiceProcess } from './service-process.js';
