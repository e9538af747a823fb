// The ProvidedContext augmentation for inject(...) comes along with any import of this package.
import type {} from './vitest-provided.js';

export { startPostgres, ensureDatabase, createTestDatabase, withDatabase } from './postgres.js';
export type { StartPostgresOptions, PostgresServer } from './postgres.js';
export { startKafka, stopKafka, waitForKafka, ensureKafkaLibs } from './kafka.js';
export type { StartKafkaOptions, KafkaBroker } from './kafka.js';
export { startFhirValidator, fhirValidatorAt, ensureFhirValidatorBuild, expectValidFhir, fhirErrors, formatFhirIssues } from './fhir-validator.js';
export type { FhirIssue, FhirValidator } from './fhir-validator.js';
export { startSmtpSink } from './smtp-sink.js';
export type { SmtpSink, SmtpSinkOptions, StoredMessage } from './smtp-sink.js';
export { startDevstack, DEFAULT_PORTS, DEFAULT_DATA_DIR } from './stack.js';
export type { Devstack, DevstackPorts, StartDevstackOptions } from './stack.js';
export { startControlServer, devstackControl } from './control.js';
export { spawnManaged, pidAlive } from './processes.js';
export type { ManagedProcess, SpawnOptions } from './processes.js';
export { freePort } from './ports.js';
export { supervise, defaultSupervision } from './supervisor.js';
export type { SupervisedProcess, SupervisorOptions } from './supervisor.js';
export { startSystem, serviceSpecs, serviceNames, demoDefaults, REPO_ROOT } from './system.js';
export type { ServiceName, SystemPorts, StartSystemOptions, RunningSystem, ServiceReplica } from './system.js';
export { startZipkin } from './zipkin.js';
export type { Zipkin } from './zipkin.js';
