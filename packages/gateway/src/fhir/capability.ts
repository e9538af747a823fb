import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { capabilityStatementOf, fhirBasePath, resourcesOf } from '@pms/platform/fhir';
import type { Upstream } from '../upstreams.js';
import type { FhirType } from './owners.js';

export interface CapabilityCacheOptions {
  timeoutMs: number;
  /** How long the assembled resources are served before the services are asked again. */
  ttlMs?: number;
  /** The same while a service did not answer: it is asked again sooner. */
  partialTtlMs?: number;
  now?: () => number;
}

interface Assembled {
  resources: CapabilityStatementRestResource[];
  /** Services that did not answer: their types are left out until they do. */
  missing: string[];
  at: number;
}

/**
 * The gateway's CapabilityStatement, assembled from the fragments the services serve at their
 * own /fhir/R4/metadata (what they really serve, like /docs from their OpenAPI), kept briefly.
 * A service lists only the types the gateway routes to it; one that is down is left out (and
 * named in the documentation) and asked again after a few seconds.
 */
export function capabilityCache(routing: Map<FhirType, Upstream>, options: CapabilityCacheOptions) {
  const { timeoutMs, ttlMs = 30_000, partialTtlMs = 5_000, now = Date.now } = options;
  const services = [...new Set(routing.values())];
  let cached: Assembled | undefined;
  let assembling: Promise<Assembled> | undefined;

  async function fragmentOf(upstream: Upstream): Promise<CapabilityStatementRestResource[]> {
    const response = await fetch(`${upstream.balancer.pick()}${fhirBasePath}/metadata`, { headers: { accept: 'application/fhir+json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${upstream.name} answered ${response.status}`);
    const statement = (await response.json()) as CapabilityStatement;
    if (statement.resourceType !== 'CapabilityStatement') throw new Error(`${upstream.name} answered no CapabilityStatement`);
    return resourcesOf(statement).filter((resource) => routing.get(resource.type as FhirType) === upstream);
  }

  async function assemble(): Promise<Assembled> {
    const answers = await Promise.allSettled(services.map(fragmentOf));
    const missing = services.filter((_, index) => answers[index]!.status === 'rejected').map((upstream) => upstream.name);
    const resources = answers.flatMap((answer) => (answer.status === 'fulfilled' ? answer.value : []));
    return { resources, missing, at: now() };
  }

  return {
    /** The statement for a client at `baseUrl`; undefined when no service answered at all. */
    async statement(baseUrl: string): Promise<CapabilityStatement | undefined> {
      const fresh = cached && now() - cached.at < (cached.missing.length > 0 ? partialTtlMs : ttlMs);
      if (!fresh) {
        // Concurrent requests share one round of questions.
        assembling ??= assemble().finally(() => (assembling = undefined));
        cached = await assembling;
      }
      const { resources, missing } = cached!;
      if (resources.length === 0) return undefined;
      const statement = capabilityStatementOf({ name: 'gateway', version: '0.1.0' }, resources, { baseUrl });
      if (missing.length > 0) {
        const rest = statement.rest![0]!;
        rest.documentation = `${rest.documentation ?? ''} Not listed now (not answering): ${missing.join(', ')}.`.trim();
      }
      return statement;
    },
  };
}
