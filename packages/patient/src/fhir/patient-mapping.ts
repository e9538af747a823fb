import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { PatientInput } from '@pms/contracts';
import { metaOf, type DateBounds, type FhirSearch, type SearchParamDefinitions } from '@pms/platform/fhir';
import { z } from 'zod';
import type { DateRange, PatientCriteria } from '../db/patients.js';
import type { MergedRecord, PatientRecord } from '../domain/records.js';

/**
 * The one place that knows how a patient record looks in FHIR R4, both ways.
 *
 * A record keeps one name text: FHIR `name.text` carries it as it is; `family` is its last word
 * and `given` the words before (what the `family`/`given` searches match). Email and phone are
 * `telecom` entries; the address one text. Gender, identifiers and other elements are not
 * modelled: accepted on input and not kept.
 */
export function toFhirPatient(record: PatientRecord | MergedRecord): FhirPatient {
  const words = record.name.trim().split(/\s+/);
  const family = words.at(-1);
  const given = words.slice(0, -1);
  return {
    resourceType: 'Patient',
    id: record.id,
    meta: metaOf(record.version, new Date(record.updatedAt)),
    name: [{ use: 'official', text: record.name, ...(family && { family }), ...(given.length > 0 && { given }) }],
    telecom: [{ system: 'email', value: record.email }, ...(record.phone ? [{ system: 'phone' as const, value: record.phone }] : [])],
    birthDate: record.dateOfBirth,
    ...(record.address && { address: [{ text: record.address }] }),
    ...('mergedInto' in record && linksOf(record)),
  };
}

/**
 * A merged duplicate is an inactive Patient `replaced-by` its survivor; the survivor `replaces`
 * each duplicate merged into it (issue 23).
 */
function linksOf(record: MergedRecord): Pick<FhirPatient, 'active' | 'link'> {
  const link = [
    ...(record.mergedInto ? [{ other: { reference: `Patient/${record.mergedInto}` }, type: 'replaced-by' as const }] : []),
    ...record.replaces.map((id) => ({ other: { reference: `Patient/${id}` }, type: 'replaces' as const })),
  ];
  // A record no merge touched says nothing (FHIR reads a missing `active` as active).
  return link.length === 0 ? {} : { active: record.mergedInto === null, link };
}

const optionalText = z.string().optional();
const HumanName = z.looseObject({ use: optionalText, text: optionalText, family: optionalText, given: z.array(z.string()).optional() });
const ContactPoint = z.looseObject({ system: optionalText, value: optionalText, use: optionalText });
const Address = z.looseObject({
  text: optionalText,
  line: z.array(z.string()).optional(),
  city: optionalText,
  postalCode: optionalText,
  state: optionalText,
  country: optionalText,
});

/**
 * A FHIR Patient in (create, update) as the JSON API's PatientInput, checked by the same
 * contract schema; each failure names the FHIR element it came from (`Patient.telecom`,
 * `Patient.birthDate`…).
 */
export const FhirPatientInput = z
  .looseObject({
    resourceType: z.literal('Patient'),
    id: optionalText,
    name: z.array(HumanName).min(1, 'a patient needs a name'),
    telecom: z.array(ContactPoint).optional(),
    birthDate: z.string({ error: 'a patient needs a birthDate' }),
    address: z.array(Address).optional(),
  })
  .transform((patient, ctx): PatientInput => {
    const nameAt = Math.max(0, patient.name.findIndex((name) => name.use === 'official'));
    const name = patient.name[nameAt]!;
    const telecom = patient.telecom ?? [];
    const emailAt = telecom.findIndex((point) => point.system === 'email');
    const phoneAt = telecom.findIndex((point) => point.system === 'phone' || point.system === 'sms');
    const address = patient.address?.[0];
    const candidate = {
      name: name.text ?? [...(name.given ?? []), name.family ?? ''].join(' ').trim(),
      email: telecom[emailAt]?.value,
      phone: telecom[phoneAt]?.value ?? null,
      address: address && (address.text ?? [...(address.line ?? []), address.postalCode, address.city, address.state, address.country].filter(Boolean).join(', ')),
      dateOfBirth: patient.birthDate,
    };
    const parsed = PatientInput.safeParse(candidate);
    if (parsed.success) return parsed.data;
    const elementOf: Record<string, (string | number)[]> = {
      name: ['name', nameAt],
      email: emailAt < 0 ? ['telecom'] : ['telecom', emailAt],
      phone: ['telecom', phoneAt],
      address: ['address', 0],
      dateOfBirth: ['birthDate'],
    };
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      const message = field === 'email' && emailAt < 0 ? 'a patient needs a telecom with system email' : issue.message;
      ctx.addIssue({ code: 'custom', message, path: elementOf[field] ?? [] });
    }
    return z.NEVER;
  });

/** The search parameters served, as the CapabilityStatement lists them. */
export const patientSearchParams: SearchParamDefinitions = {
  _id: { type: 'token', description: 'Logical id (comma-separated for several)' },
  name: { type: 'string', description: 'A word of the name starts with this (case-insensitive)' },
  family: { type: 'string', description: 'The last word of the name starts with this' },
  given: { type: 'string', description: 'A word of the name before the last starts with this' },
  birthdate: { type: 'date', description: 'Date of birth (prefixes eq, ge, gt, le, lt; repeat for a range)' },
  email: { type: 'token', description: 'Email address, exactly (case-insensitive)' },
  phone: { type: 'token', description: 'Phone number, exactly' },
  telecom: { type: 'token', description: 'Email or phone, exactly; email|<address> or phone|<number> to say which' },
};

/** A FHIR Patient search as the domain's criteria. */
export function criteriaOf(search: FhirSearch): PatientCriteria {
  const criteria: PatientCriteria = {
    name: search.one('name'),
    family: search.one('family'),
    given: search.one('given'),
    email: search.token('email')?.code,
    phone: search.token('phone')?.code,
    born: search.dates('birthdate').map(dateRangeOf),
  };
  // Ids that are no UUID name no patient: they match nothing rather than fail.
  const ids = search.uuids('_id');
  if (ids) criteria.ids = ids;
  const telecom = search.token('telecom');
  if (telecom?.system === 'email') criteria.email = telecom.code;
  else if (telecom?.system === 'phone') criteria.phone = telecom.code;
  else if (telecom?.system === undefined || telecom.system === '') criteria.contact = telecom?.code;
  else criteria.ids = []; // another system (fax, url…): no record has one
  return criteria;
}

/** An instant range as dates of birth: whole days, the end rounded up to the next midnight. */
function dateRangeOf(bounds: DateBounds): DateRange {
  const day = (date: Date) => date.toISOString().slice(0, 10);
  const range: DateRange = {};
  if (bounds.atLeast) range.atLeast = day(bounds.atLeast);
  if (bounds.before) {
    const midnight = bounds.before.toISOString().endsWith('T00:00:00.000Z');
    range.before = midnight ? day(bounds.before) : day(new Date(bounds.before.getTime() + 86_400_000));
  }
  return range;
}
