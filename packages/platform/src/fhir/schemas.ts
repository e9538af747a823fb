import { z, type ZodType } from 'zod';

/** What a route answering a FHIR resource returns, as TypeScript sees it. */
export interface ResourceLike {
  resourceType: string;
  id?: string;
}

/**
 * Route schemas of FHIR answers, for /docs and the serializer: the resource type is checked and
 * every other element passes through (the FHIR JSON is built from @medplum/fhirtypes types).
 */
export const resourceBody = (type: string): ZodType<ResourceLike> =>
  // Typed as the shape every resource has, so handlers return @medplum/fhirtypes types as they are.
  z
    .looseObject({ resourceType: z.literal(type), id: z.string().optional() })
    .describe(`A FHIR R4 ${type} resource (application/fhir+json): https://hl7.org/fhir/R4/${type.toLowerCase()}.html`) as unknown as ZodType<ResourceLike>;

export const BundleBody = resourceBody('Bundle');

export const OperationOutcomeBody = z
  .looseObject({ resourceType: z.literal('OperationOutcome'), issue: z.array(z.looseObject({ severity: z.string(), code: z.string() })) })
  .describe('Every FHIR error: a FHIR R4 OperationOutcome (application/fhir+json)');
