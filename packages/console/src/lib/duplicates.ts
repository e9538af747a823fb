import type { DuplicateReason, MergeableField, Patient, PossibleDuplicate } from '@pms/contracts/http';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useApi } from '../api/session.js';
import { refreshAfterWrite } from './queries.js';

/** A record's likely duplicates, best first (staff, admin: the endpoint refuses anyone else). */
export function usePossibleDuplicates(patientId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['duplicates', patientId],
    queryFn: () => api.get<{ items: PossibleDuplicate[] }>(`/api/patients/${patientId}/duplicates`),
  });
}

/** Both views of duplicates (one record's, the clinic's pairs) after a pair was marked or merged. */
export const refreshDuplicates = (queries: QueryClient) => refreshAfterWrite(queries, ['duplicates'], ['duplicate-pairs']);

export const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

export function reasonLabel(reason: DuplicateReason, nameSimilarity: number): string {
  switch (reason) {
    case 'SAME_EMAIL':
      return 'Same email';
    case 'SAME_PHONE':
      return 'Same phone';
    case 'SIMILAR_NAME':
      return `Similar name (${percent(nameSimilarity)})`;
    case 'SAME_DATE_OF_BIRTH':
      return 'Same date of birth';
  }
}

export const fieldLabels: Record<MergeableField, string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  address: 'Address',
  dateOfBirth: 'Date of birth',
  contactPreferences: 'Contact by',
};

/** A field of a record as the merge screen shows it; an empty one says so, so it can be chosen knowingly. */
export function fieldValue(patient: Patient, field: MergeableField): string {
  if (field === 'contactPreferences') {
    const { email, sms } = patient.contactPreferences;
    return [email && 'Email', sms && 'SMS'].filter(Boolean).join(', ') || 'Neither';
  }
  return patient[field] ?? '— (none)';
}

/** The merge screen of a pair: `first` is proposed as the record to keep. */
export const mergePath = (first: string, second: string) => `/patients/${first}/merge/${second}`;

/** What the survivor's page says right after a merge (router state, so only on that visit). */
export interface JustMerged {
  merged: { name: string; appointmentsMoved: number };
}
