import type { ApiClient } from '../api/client.js';

/** What `$everything` answers: a searchset Bundle (only what the console looks at is typed). */
export interface RecordBundle {
  resourceType: 'Bundle';
  total?: number;
  entry?: { resource?: { resourceType: string; id?: string } }[];
}

/**
 * A patient's whole record as FHIR R4 (`Patient/<id>/$everything` through the gateway, with the
 * user's own token: each service applies its access rules, a patient user gets only their own).
 */
export const fetchPatientRecord = (api: ApiClient, patientId: string) =>
  api.getFhir<RecordBundle>(`Patient/${encodeURIComponent(patientId)}/$everything`);

/** Saves data as a JSON file the browser downloads (an object URL on a link clicked once). */
export function saveJsonFile(fileName: string, data: unknown, doc: Document = document): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/fhir+json' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
