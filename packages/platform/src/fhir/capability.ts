import type {
  CapabilityStatement,
  ResourceType,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  CapabilityStatementRestResourceOperation,
} from '@medplum/fhirtypes';
import { controlParams, type SearchParamDefinitions } from './search.js';

export type FhirInteraction = CapabilityStatementRestResourceInteraction['code'];

/** What a service serves of one resource type: derived from its FhirResourceRoutes (routes.ts), never written twice. */
export interface ResourceCapability {
  type: ResourceType;
  interactions: FhirInteraction[];
  searchParams: SearchParamDefinitions;
  /** Operations such as Patient `$everything`, with the OperationDefinition's canonical URL. */
  operations: { name: string; definition: string; documentation?: string }[];
  /** True when reads carry versionIds and updates honour If-Match. */
  versioned: boolean;
}

export interface CapabilitySource {
  /** The software's name: a service's, or `gateway` for the assembled statement. */
  name: string;
  version: string;
}

const searchTypeDocs: Record<(typeof controlParams)[number], string> = {
  _count: `Matches per page (default 20, at most 100; 0 counts only)`,
  _offset: 'Matches to skip: the next link carries it',
  _format: 'json or application/fhir+json: the only format served',
  _pretty: 'Accepted and ignored',
};

export function resourceEntryOf(resource: ResourceCapability): CapabilityStatementRestResource {
  const searchParam = Object.entries(resource.searchParams).map(([name, param]) => ({ name, type: param.type, documentation: param.description }));
  const operation: CapabilityStatementRestResourceOperation[] = resource.operations.map((op) => ({ ...op }));
  return {
    type: resource.type,
    interaction: resource.interactions.map((code) => ({ code })),
    versioning: resource.versioned ? 'versioned-update' : 'no-version',
    readHistory: false,
    updateCreate: false,
    conditionalCreate: false,
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    ...(searchParam.length > 0 && { searchParam }),
    ...(operation.length > 0 && { operation }),
  };
}

/**
 * A CapabilityStatement (kind `instance`) for the given resource entries: each service serves
 * its own fragment at /fhir/R4/metadata; the gateway merges the fragments into one with
 * `capabilityStatementOf('gateway', fragments.flatMap(resourcesOf))`.
 */
export function capabilityStatementOf(
  source: CapabilitySource,
  resources: CapabilityStatementRestResource[],
  options: { baseUrl?: string; now?: Date } = {},
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: (options.now ?? new Date()).toISOString(),
    publisher: 'Patient Management System',
    kind: 'instance',
    software: { name: source.name, version: source.version },
    implementation: { description: `Patient Management System FHIR R4 server (${source.name})`, ...(options.baseUrl && { url: options.baseUrl }) },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation: `Search result parameters on every type: ${Object.entries(searchTypeDocs).map(([name, doc]) => `${name} (${doc})`).join('; ')}. Unknown search parameters are a 400 unless the request says Prefer: handling=lenient.`,
        security: { cors: true, description: 'OAuth2-style bearer access tokens from POST /auth/login (Authorization: Bearer <token>); /metadata is public.' },
        resource: [...resources].sort((a, b) => a.type.localeCompare(b.type)),
      },
    ],
  };
}

/** The resource entries of a statement (a service's fragment), for merging. */
export const resourcesOf = (statement: CapabilityStatement): CapabilityStatementRestResource[] => statement.rest?.flatMap((rest) => rest.resource ?? []) ?? [];
