import type { FhirSearch } from '@pms/platform/fhir';

// Search-parameter helpers the doctor service's FHIR resources share.

export const byId = { type: 'token', description: 'Logical id(s), comma-separated' } as const;

/** A reference parameter (Practitioner/…, Location/…) as an id list: [] when it cannot name one of ours (matches nothing). */
export function referencedIds(search: FhirSearch, name: string, type: string): string[] | undefined {
  const id = search.referenceUuid(name, type);
  return id === undefined ? undefined : id === null ? [] : [id];
}
