import type { ContactPoint, Practitioner } from '@medplum/fhirtypes';
import type { DoctorRow } from '../db/schema.js';

/** The doctor's email and phone as FHIR contact points (work: they are the practice's). */
export function telecomOf(row: Pick<DoctorRow, 'email' | 'phone'>): ContactPoint[] {
  const telecom: ContactPoint[] = [{ system: 'email', value: row.email, use: 'work' }];
  if (row.phone) telecom.push({ system: 'phone', value: row.phone, use: 'work' });
  return telecom;
}

/**
 * A doctor as a FHIR Practitioner; the id is the doctor's id. The name is kept whole in
 * `HumanName.text`: we store one free-text name ("Dr. Anna Schmidt") and guessing which words
 * are the family name would be wrong for many names. `active` is the doctor's flag (a
 * deactivated doctor stays readable, as in the JSON API). The specialty is PractitionerRole's.
 */
export function toPractitioner(row: DoctorRow): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    active: row.active,
    name: [{ use: 'official', text: row.name }],
    telecom: telecomOf(row),
  };
}
