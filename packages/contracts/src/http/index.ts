// The HTTP schemas without the gRPC code: what a browser bundle (packages/console) imports.
export * from '../common.js';
export * from './auth.js';
export * from './patient.js';
export * from './patient-merge.js';
export * from './doctor.js';
export * from './appointment.js';
export * from './billing.js';
export * from './notification.js';
export * from './analytics.js';
export { PaymentMethod } from '../events/payloads.js';
export * from './scheduling.js';
export * from './floor.js';
