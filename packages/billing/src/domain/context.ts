import type { Database } from '../db/database.js';
import type { Pricing } from './invoice-lifecycle.js';
import type { PatientDirectory } from './patient-directory.js';

/** What every use case runs against; built once by buildApp. */
export interface BillingContext {
  db: Database;
  /** Ownership of patient records, from the patient service. */
  patients: PatientDirectory;
  pricing: Pricing;
}
