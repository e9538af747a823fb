import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { expectValidFhir, type FhirValidator } from '@pms/devstack/testing';
import { Client, type FhirResource } from 'fhir-kit-client';
import { expect } from 'vitest';

/** Where the gateway serves FHIR R4 (issue 21). */
export const FHIR_BASE_PATH = '/fhir/R4';

/** A FHIR answer as a client sees it: status, content type and the parsed body (undefined when none or not JSON). */
export interface FhirAnswer {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
}

/**
 * A real FHIR client (fhir-kit-client) on the gateway whose every answer, resource, Bundle or
 * OperationOutcome, is checked by HAPI's validator before the test sees it: `ok` for calls that
 * must succeed, `refused` for calls that must fail with an OperationOutcome.
 */
export function checkedFhirClient(gatewayUrl: string, validator: FhirValidator, token?: string) {
  const client = new Client({ baseUrl: `${gatewayUrl}${FHIR_BASE_PATH}`, ...(token ? { bearerToken: token } : {}) });
  return {
    client,
    async ok<T extends Resource = Resource>(what: string, call: Promise<unknown>): Promise<T> {
      const resource = await call.catch((error: unknown) => {
        const { response } = error as { response?: { status: number; data: unknown } };
        // Not `cause`: fhir-kit-client's error holds the whole request, which buries the answer.
        throw new Error(`${what}: ${response ? `${response.status} ${JSON.stringify(response.data).slice(0, 1_000)}` : String(error)}`);
      });
      await expectValidFhir(validator, resource, what);
      return resource as T;
    },
    /** Expects the call to fail with one of `statuses` and an OperationOutcome; returns it. */
    async refused(what: string, call: Promise<unknown>, statuses: number[]): Promise<OperationOutcome> {
      const error = await call.then(
        (resource) => expect.fail(`${what}: expected ${statuses.join('/')}, got ${JSON.stringify(resource).slice(0, 300)}`),
        (error: unknown) => error as { response?: { status: number; data: unknown } },
      );
      expect(error.response, `${what}: an HTTP answer`).toBeDefined();
      const { status, data } = error.response!;
      expect(statuses, `${what}: status ${status} ${JSON.stringify(data).slice(0, 300)}`).toContain(status);
      return validOutcome(validator, what, data);
    },
  };
}
export type CheckedFhirClient = ReturnType<typeof checkedFhirClient>;

/** Checks that `body` is an OperationOutcome HAPI finds valid, with at least one error issue. */
export async function validOutcome(validator: FhirValidator, what: string, body: unknown): Promise<OperationOutcome> {
  expect((body as Resource | undefined)?.resourceType, `${what}: answered with an OperationOutcome`).toBe('OperationOutcome');
  await expectValidFhir(validator, body, what);
  const outcome = body as OperationOutcome;
  expect(outcome.issue.some((issue) => issue.severity === 'error' || issue.severity === 'fatal'), `${what}: an error issue`).toBe(true);
  return outcome;
}

/** A raw request, for what no well-behaved client would send (malformed bodies, NUL bytes, odd headers). */
export async function rawFhir(
  gatewayUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<FhirAnswer> {
  const response = await fetch(`${gatewayUrl}${FHIR_BASE_PATH}${path}`, {
    method,
    headers: {
      accept: 'application/fhir+json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body, text };
}

/** The resources of a searchset Bundle of one type. */
export const entriesOf = <T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] =>
  (bundle.entry ?? []).map((entry) => entry.resource).filter((resource): resource is T => resource?.resourceType === type);

/** A typed resource as fhir-kit-client's body type (a loose record: the interfaces lack its index signature). */
export const asBody = (resource: Resource): FhirResource => resource as unknown as FhirResource;
