import type { Bundle, CapabilityStatement, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { expectValidFhir, sharedFhirValidator, type FhirValidator } from '@pms/devstack/testing';
import type { ServiceInstance } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './support/gateway.js';
import { startAppointmentStub, startBillingStub, startPatientStub, type FhirStub, type StubPatient } from './support/fhir-services.js';
import { closedPortUrl } from './support/upstreams.js';

// patient, appointment and billing serve FHIR; doctor and notification are down.
const issuer = createTestTokenIssuer();
const keys = { jwks: issuer.jwks };
const ada: StubPatient = { id: randomUUID(), family: 'Lovelace', ownerUserId: randomUUID(), version: 1 };
const bob: StubPatient = { id: randomUUID(), family: 'Builder', ownerUserId: randomUUID(), version: 1 };
let stubs: FhirStub[];
let patientStub: FhirStub;
let gateway: ServiceInstance;
let gatewayUrl: string;
let validator: FhirValidator;

beforeAll(async () => {
  let appointments: FhirStub, billing: FhirStub;
  [patientStub, appointments, billing, validator] = await Promise.all([
    startPatientStub(keys, [ada, bob]),
    startAppointmentStub(keys, 2),
    startBillingStub(keys),
    sharedFhirValidator(),
  ]);
  stubs = [patientStub, appointments, billing];
  ({ app: gateway, url: gatewayUrl } = await startGateway(
    { AUTH_JWKS: JSON.stringify(issuer.jwks), PATIENT_URL: patientStub.url, APPOINTMENT_URL: appointments.url, BILLING_URL: billing.url, UPSTREAM_TIMEOUT_MS: '2000', CORS_ORIGINS: 'https://app.example.test' },
    await closedPortUrl(),
  ));
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all((stubs ?? []).map((stub) => stub.close()));
});

const staff = () => issuer.token({ role: 'staff' });
const patientUser = (patient: StubPatient) => issuer.token({ role: 'patient', sub: patient.ownerUserId });

/** A FHIR call through the gateway; every answer is checked by HAPI's validator, and is never a 5xx unless a service is down. */
async function fhir(path: string, { token, method = 'GET', body, headers = {} }: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      accept: 'application/fhir+json',
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/fhir+json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as { resourceType: string };
  expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
  await expectValidFhir(validator, json, `${method} ${path} (${response.status})`);
  return { status: response.status, headers: response.headers, json };
}
const issueOf = (json: unknown) => (json as OperationOutcome).issue[0]!;

describe('/fhir/R4 through the gateway', () => {
  it('assembles a public CapabilityStatement from the services that answer, and keeps it briefly', async () => {
    const { status, json } = await fhir('/fhir/R4/metadata');
    expect(status).toBe(200);
    const statement = json as CapabilityStatement;
    expect(statement.software?.name).toBe('gateway');
    expect(statement.implementation?.url).toBe(`${gatewayUrl}/fhir/R4`);
    expect(statement.rest![0]!.resource!.map((resource) => resource.type)).toEqual(['Appointment', 'Invoice', 'Patient']);
    expect(statement.rest![0]!.documentation).toContain('Not listed now (not answering): doctor, notification.');
    const asked = patientStub.seen.filter((url) => url === '/fhir/R4/metadata').length;
    await fhir('/fhir/R4/metadata');
    expect(patientStub.seen.filter((url) => url === '/fhir/R4/metadata').length).toBe(asked);
  });

  it('needs a valid token for everything else: 401 as an OperationOutcome', async () => {
    for (const token of [undefined, 'not-a-jwt']) {
      const { status, json } = await fhir(`/fhir/R4/Patient/${ada.id}`, { token });
      expect(status).toBe(401);
      expect(issueOf(json).code).toBe('login');
    }
  });

  it('routes by resource type, path unchanged, with the gateway as the base of links', async () => {
    const read = await fhir(`/fhir/R4/Patient/${ada.id}`, { token: staff(), headers: { origin: 'https://app.example.test' } });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ resourceType: 'Patient', id: ada.id });
    expect(read.headers.get('etag')).toBe('W/"1"');
    // A browser app may read the version it must send back in If-Match.
    expect(read.headers.get('access-control-expose-headers')).toContain('etag');
    const search = await fhir(`/fhir/R4/Appointment?patient=Patient/${ada.id}`, { token: staff() });
    expect((search.json as Bundle).entry![0]!.fullUrl).toMatch(new RegExp(`^${gatewayUrl}/fhir/R4/Appointment/`));
  });

  it('passes the services’ OperationOutcomes through: a stale If-Match is 412', async () => {
    const body = { resourceType: 'Patient', id: bob.id, name: [{ family: 'Builder' }] };
    expect((await fhir(`/fhir/R4/Patient/${bob.id}`, { token: staff(), method: 'PUT', body, headers: { 'if-match': 'W/"1"' } })).status).toBe(200);
    const stale = await fhir(`/fhir/R4/Patient/${bob.id}`, { token: staff(), method: 'PUT', body, headers: { 'if-match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    expect(issueOf(stale.json).code).toBe('conflict');
  });

  it('answers unknown resource types 404 and a service that is down 503, both as OperationOutcomes', async () => {
    const unknown = await fhir('/fhir/R4/Observation?code=1', { token: staff() });
    expect(unknown.status).toBe(404);
    expect(issueOf(unknown.json)).toMatchObject({ code: 'not-found' });
    expect((await fhir('/fhir/R4/PatientX/1', { token: staff() })).status).toBe(404);
    const down = await fhir(`/fhir/R4/Practitioner/${randomUUID()}`, { token: staff() });
    expect(down.status).toBe(503);
    expect(issueOf(down.json)).toMatchObject({ severity: 'fatal', code: 'transient' });
    // The clinic floor (issue 22) is doctor's too: routed there, so unavailable as well, not unknown.
    for (const type of ['Location', 'Device']) expect((await fhir(`/fhir/R4/${type}?_count=1`, { token: staff() })).status, type).toBe(503);
  });

  it('composes $everything: the patient, their appointments and invoices, and says what it could not include', async () => {
    const { status, json } = await fhir(`/fhir/R4/Patient/${ada.id}/$everything`, { token: staff() });
    expect(status).toBe(200);
    const bundle = json as Bundle;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 4 });
    const matches = bundle.entry!.filter((entry) => entry.search?.mode === 'match');
    expect(matches.map((entry) => entry.resource!.resourceType)).toEqual(['Patient', 'Appointment', 'Appointment', 'Invoice']);
    expect(matches[0]!.fullUrl).toBe(`${gatewayUrl}/fhir/R4/Patient/${ada.id}`);
    const outcomes = bundle.entry!.filter((entry) => entry.search?.mode === 'outcome');
    expect(outcomes.map((entry) => issueOf(entry.resource).details?.text)).toEqual([expect.stringMatching(/^Communication not included: The notification service is unavailable/)]);
  });

  it('lets a patient user export only their own record: another patient is 404 and nothing else is asked', async () => {
    const own = await fhir(`/fhir/R4/Patient/${ada.id}/$everything`, { token: patientUser(ada) });
    expect(own.status).toBe(200);
    expect(((own.json as Bundle).entry![0]!.resource as Patient).id).toBe(ada.id);
    const others = await fhir(`/fhir/R4/Patient/${bob.id}/$everything`, { token: patientUser(ada) });
    expect(others.status).toBe(404);
    expect(issueOf(others.json).code).toBe('not-found');
    const refused = await fhir(`/fhir/R4/Patient/${ada.id}/$everything?start=2020`, { token: staff() });
    expect(refused.status).toBe(400);
    expect(issueOf(refused.json).expression).toEqual(['start']);
  });

  it('documents its own FHIR routes in /docs beside the services', async () => {
    const document = (await (await fetch(`${gatewayUrl}/docs/openapi/gateway.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).sort()).toEqual(['/fhir/R4/Patient/{id}/$everything', '/fhir/R4/metadata']);
    expect(await (await fetch(`${gatewayUrl}/docs/static/swagger-initializer.js`)).text()).toContain('/docs/openapi/gateway.json');
  });
});
