import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import { afterAll, beforeAll, expect } from 'vitest';
import { as, startDoctor, type DoctorHarness } from './support.js';

/**
 * A test file's doctor service and HAPI's validator (started side by side: the JVM takes seconds),
 * and `fhir`, a FHIR read or search whose every answer (resource, Bundle, OperationOutcome) HAPI
 * checks: 0 errors. Staff's token unless told otherwise.
 */
export function fhirTestbed() {
  const bed = {} as { doctor: DoctorHarness; validator: FhirValidator };
  beforeAll(async () => {
    [bed.doctor, bed.validator] = await Promise.all([startDoctor(), sharedFhirValidator()]);
  });
  afterAll(() => bed.doctor?.close());

  async function fhir<T = unknown>(url: string, options: { headers?: Record<string, string>; status?: number } = {}) {
    const response = await bed.doctor.app.inject({ method: 'GET', url: `/fhir/R4/${url}`, headers: options.headers ?? as('staff') });
    expect(response.statusCode, response.body).toBe(options.status ?? 200);
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    await expectValidFhir(bed.validator, response.json(), `GET ${url} (${response.statusCode})`);
    return response.json() as T;
  }
  return { bed, fhir };
}
