import { conflict, pgConstraint, pgErrorCode, pgErrorCodes } from '@pms/platform/domain';

/**
 * The unique indexes, not a read-then-write check, decide conflicts; this turns their
 * violations into 409s and rethrows anything else.
 */
export function rethrowAsConflict(error: unknown): never {
  if (pgErrorCode(error) === pgErrorCodes.uniqueViolation) {
    switch (pgConstraint(error)) {
      case 'patients_email_lower_key':
        throw conflict('A patient with this email already exists', 'EMAIL_TAKEN');
      case 'patients_owner_user_id_key':
        throw conflict('This user already has a patient record', 'PATIENT_ALREADY_REGISTERED');
    }
  }
  throw error;
}
