/**
 * Who owns a patient record, as the patient service answers it (patient.GetPatient over gRPC).
 * Implementations throw the platform's AppErrors: NOT_FOUND for an unknown patient,
 * UNAVAILABLE when the patient service is down or slow.
 */
export interface PatientDirectory {
  /** The owning patient user's id, or null when the record is not linked to a user. */
  ownerOf(patientId: string, requestId: string): Promise<string | null>;
}
