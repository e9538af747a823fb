import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { fhirBasePath, type SearchParamDefinitions } from '@pms/platform/fhir';
import { isAppError } from '@pms/platform/errors';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Upstream } from '../upstreams.js';
import type { FhirType } from './owners.js';
import { fetchFhir, type FhirAnswer } from './upstream-fetch.js';

/**
 * What `$everything` gathers beside the Patient: each service's own search on the caller's
 * behalf (issue 21's parameter names), so each service applies its own access rules.
 */
export const everythingParts: { type: FhirType; param: string }[] = [
  { type: 'Appointment', param: 'patient' },
  { type: 'Invoice', param: 'subject' },
  { type: 'Communication', param: 'subject' },
];
/** $everything takes none of the operation's optional parameters (start, end, _since, _type). */
export const everythingParams: SearchParamDefinitions = {};

const pageSize = 100;
/** At most this many pages per part (10,000 resources); more is reported as truncated. */
const maxPages = 100;

export interface EverythingOptions {
  routing: Map<FhirType, Upstream>;
  timeoutMs: number;
  baseUrl: string;
}

/**
 * `GET Patient/<id>/$everything`: the Patient (read first: another patient's id is the patient
 * service's 404, and nothing else is asked), then every part's searchset, every page. A part
 * whose service is down or refuses is left out with an OperationOutcome entry
 * (`search.mode = outcome`) saying so, so the export is never silently incomplete.
 * Answers the status and body to send: the Bundle, or the patient service's refusal as it came.
 */
export async function patientEverything(request: FastifyRequest, id: string, options: EverythingOptions): Promise<FhirAnswer> {
  const patientService = options.routing.get('Patient')!;
  const patient = await fetchFhir(patientService, `/Patient/${id}`, request, options.timeoutMs);
  if (patient.status !== 200) return patient;
  const parts = await Promise.all(everythingParts.map((part) => gatherPart(request, id, part, options)));
  const entry: BundleEntry[] = [];
  const seen = new Set<string>();
  for (const found of [{ fullUrl: `${options.baseUrl}/Patient/${id}`, resource: patient.body as Resource }, ...parts.flatMap((part) => part.entries)]) {
    if (seen.has(found.fullUrl)) continue; // a page boundary that moved while paging
    seen.add(found.fullUrl);
    entry.push({ fullUrl: found.fullUrl, resource: found.resource, search: { mode: 'match' } });
  }
  const total = entry.length;
  for (const outcome of parts.flatMap((part) => part.outcomes)) {
    entry.push({ fullUrl: `urn:uuid:${randomUUID()}`, resource: outcome, search: { mode: 'outcome' } });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [{ relation: 'self', url: `${options.baseUrl}/Patient/${id}/$everything` }],
    entry,
  };
  return { status: 200, body: bundle };
}

interface Gathered {
  entries: { fullUrl: string; resource: Resource }[];
  outcomes: OperationOutcome[];
}

async function gatherPart(request: FastifyRequest, id: string, part: { type: FhirType; param: string }, options: EverythingOptions): Promise<Gathered> {
  const upstream = options.routing.get(part.type);
  const gathered: Gathered = { entries: [], outcomes: [] };
  if (!upstream) return gathered;
  let path: string | undefined = `/${part.type}?${part.param}=${encodeURIComponent(id)}&_count=${pageSize}`;
  for (let page = 0; path !== undefined; page++) {
    if (page === maxPages) {
      gathered.outcomes.push(warning(`${part.type}: only the first ${maxPages * pageSize} are included`, 'too-costly'));
      break;
    }
    let answer: FhirAnswer;
    try {
      answer = await fetchFhir(upstream, path, request, options.timeoutMs);
    } catch (error) {
      gathered.outcomes.push(warning(`${part.type} not included: ${isAppError(error) ? error.message : `${upstream.name} failed`}`, 'transient'));
      break;
    }
    if (answer.status !== 200) {
      gathered.outcomes.push(warning(`${part.type} not included: the ${upstream.name} service answered ${answer.status}${detailOf(answer.body)}`, 'incomplete'));
      break;
    }
    const bundle = answer.body as Bundle;
    for (const entry of bundle.entry ?? []) {
      if (entry.resource && entry.fullUrl) gathered.entries.push({ fullUrl: entry.fullUrl, resource: entry.resource });
    }
    path = nextPathOf(bundle);
  }
  return gathered;
}

/** The service's next link as a path under /fhir/R4 (it names the gateway's host: asked of the service directly). */
function nextPathOf(bundle: Bundle): string | undefined {
  const next = bundle.link?.find((link) => link.relation === 'next')?.url;
  if (!next) return undefined;
  const url = new URL(next, 'http://gateway');
  return url.pathname.startsWith(`${fhirBasePath}/`) ? `${url.pathname.slice(fhirBasePath.length)}${url.search}` : undefined;
}

function detailOf(body: unknown): string {
  const outcome = body as OperationOutcome | undefined;
  const text = outcome?.resourceType === 'OperationOutcome' ? outcome.issue?.[0]?.details?.text : undefined;
  return text ? ` (${text})` : '';
}

const warning = (text: string, code: 'transient' | 'incomplete' | 'too-costly'): OperationOutcome => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'warning', code, details: { text } }],
});
