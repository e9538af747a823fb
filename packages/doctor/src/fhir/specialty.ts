import type { CodeableConcept } from '@medplum/fhirtypes';
import { specialties, type Specialty } from '@pms/contracts';

/** Our own code system: the specialty enum as the JSON API spells it. */
export const specialtySystem = 'https://pms.example.org/fhir/CodeSystem/specialty';
export const snomedSystem = 'http://snomed.info/sct';

/**
 * Each specialty in SNOMED CT as FHIR's preferred value set for practice settings
 * (http://hl7.org/fhir/ValueSet/c80-practice-codes) names it, so a client that knows no
 * local codes still understands the coding; ours travels beside it.
 */
const snomed: Record<Specialty, { code: string; display: string }> = {
  GENERAL_PRACTICE: { code: '394814009', display: 'General practice' },
  CARDIOLOGY: { code: '394579002', display: 'Cardiology' },
  DERMATOLOGY: { code: '394582007', display: 'Dermatology' },
  PEDIATRICS: { code: '394537008', display: 'Pediatric specialty' },
  ORTHOPEDICS: { code: '394801008', display: 'Trauma & orthopedics' },
  NEUROLOGY: { code: '394591006', display: 'Neurology' },
  PSYCHIATRY: { code: '394587001', display: 'Psychiatry' },
  GYNECOLOGY: { code: '394586005', display: 'Gynecology' },
};

export function specialtyConcept(specialty: Specialty): CodeableConcept {
  const { code, display } = snomed[specialty];
  return {
    coding: [
      { system: snomedSystem, code, display },
      { system: specialtySystem, code: specialty },
    ],
    text: display,
  };
}

/**
 * The specialty a token search names: `CARDIOLOGY`, a SNOMED code, or either with its system
 * (`system|code`). Undefined when it names none of ours, so the search matches nothing.
 */
export function specialtyOfToken(token: { system?: string; code: string }): Specialty | undefined {
  const bySnomed = (Object.keys(snomed) as Specialty[]).find((specialty) => snomed[specialty].code === token.code);
  const byOwn = (specialties as readonly string[]).includes(token.code) ? (token.code as Specialty) : undefined;
  if (token.system === snomedSystem) return bySnomed;
  if (token.system === specialtySystem) return byOwn;
  return token.system === undefined ? (byOwn ?? bySnomed) : undefined;
}
