// Shared FHIR R4 plumbing (see docs/fhir.md): every service's FHIR routes go through registerFhir.
export * from './bundle.js';
export * from './capability.js';
export * from './compartment.js';
export * from './format.js';
export * from './meta.js';
export * from './outcome.js';
export * from './routes.js';
export * from './schemas.js';
export * from './search.js';
export * from './slot-id.js';
