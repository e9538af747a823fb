import { beforeAll, describe, expect, it } from 'vitest';
import { expectValidFhir, fhirErrors, sharedFhirValidator, startFhirValidator, type FhirValidator } from '../src/testing.js';

// The run-wide validator, as the e2e FHIR tests use it: this file and those share one JVM.
let validator: FhirValidator;
beforeAll(async () => {
  validator = await sharedFhirValidator();
}, 300_000);

const patient = {
  resourceType: 'Patient',
  id: 'p-1',
  meta: { versionId: '1', lastUpdated: '2030-01-02T03:04:05.000Z' },
  name: [{ family: 'Doe', given: ['Jane'] }],
  telecom: [{ system: 'email', value: 'jane@example.org' }],
  gender: 'female',
  birthDate: '1990-01-02',
};

describe('the HAPI FHIR validator', () => {
  it('passes a valid Patient with no errors', async () => {
    const issues = await expectValidFhir(validator, patient);
    expect(fhirErrors(issues)).toEqual([]);
  });

  it('names each broken element of a Patient', async () => {
    const broken = { ...patient, gender: 'robot', birthDate: '1990-13-45', favouriteColour: 'blue' };
    const errors = fhirErrors(await validator.validate(broken));
    expect(errors.some((e) => e.location === 'Patient.gender' && e.message.includes('robot'))).toBe(true);
    expect(errors.some((e) => e.location === 'Patient.birthDate' && e.message.includes('1990-13-45'))).toBe(true);
    // HAPI puts an unknown property at its parent and names it in the message.
    expect(errors.some((e) => e.message.includes('favouriteColour'))).toBe(true);
    await expect(expectValidFhir(validator, broken, 'the broken patient')).rejects.toThrow(
      /^the broken patient is not valid FHIR R4 .*: \d+ error\(s\)\n(.|\n)*error at Patient\.birthDate: /,
    );
  });

  it('passes a searchset Bundle, and finds an error inside one of its entries', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      link: [{ relation: 'self', url: 'http://localhost/fhir/R4/Patient?family=Doe' }],
      entry: [{ fullUrl: 'http://localhost/fhir/R4/Patient/p-1', resource: patient, search: { mode: 'match' } }],
    };
    await expectValidFhir(validator, bundle);
    const bad = { ...bundle, entry: [{ ...bundle.entry[0], resource: { ...patient, gender: 'robot' } }] };
    const errors = fhirErrors(await validator.validate(bad));
    expect(errors.map((e) => e.location)).toContain('Bundle.entry[0].resource/*Patient/p-1*/.gender');
  });

  it('passes an OperationOutcome, and refuses one without issues', async () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'conflict', diagnostics: 'The slot is taken', expression: ['Appointment.slot'] }],
    };
    await expectValidFhir(validator, outcome);
    const errors = fhirErrors(await validator.validate({ resourceType: 'OperationOutcome', issue: [] }));
    expect(errors.length).toBeGreaterThan(0);
  });

  it('reports text that is not a resource as fatal instead of failing the call', async () => {
    const issues = await validator.validate('{"resourceType": "Patient", ');
    expect(issues.map((i) => i.severity)).toEqual(['fatal']);
    await expect(expectValidFhir(validator, { resourceType: 'NoSuchThing' })).rejects.toThrow(/NoSuchThing/);
  });

  it('runs as a process of its own that close() ends', async () => {
    const own = await startFhirValidator();
    expect(own.url).not.toBe(validator.url);
    await expectValidFhir(own, patient);
    await own.close();
    await expect(own.validate(patient)).rejects.toThrow(/fetch failed/);
  }, 120_000);
});
