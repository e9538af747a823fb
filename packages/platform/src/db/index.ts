// What repositories (src/db of a service) need: the database and the outbox, without the
// HTTP, gRPC and Kafka client code the root entry point also carries.
export * from './database.js';
export { newOutboxEntry, newOutboxEnvelope, outboxInsertFrom, writeEvent, writeEvents, type NewEvent, type OutboxRow } from '../events/outbox.js';
export { outbox, processedEvents } from '../events/tables.js';
export { isoInstantSql } from './sql-text.js';
export { beginPatientMerge, lockPatientsForMerge, redirectMergedPatients } from './patient-merges.js';
