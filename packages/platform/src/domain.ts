// What domain code may import from the platform: no fastify, kafkajs or grpc-js behind it.
export * from './errors.js';
export * from './auth/principal.js';
export { backoff, delay } from './retry.js';
