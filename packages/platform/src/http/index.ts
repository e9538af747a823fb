// What an HTTP-only service (the gateway) needs: no database, Kafka or gRPC code is loaded with it.
export * from '../errors.js';
export * from '../config.js';
export * from '../lifecycle.js';
export * from '../auth/principal.js';
export * from '../auth/keys.js';
export * from './service.js';
export * from './authentication.js';
export * from './error-handler.js';
export type { ReadinessCheck } from './health.js';
