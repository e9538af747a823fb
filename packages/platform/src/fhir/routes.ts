import type { Resource, ResourceType } from '@medplum/fhirtypes';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import { badInput, notFound } from '../errors.js';
import type { ServiceInstance } from '../http/service.js';
import { searchsetBundle, type SearchPage } from './bundle.js';
import { capabilityStatementOf, resourceEntryOf, type CapabilitySource, type FhirInteraction, type ResourceCapability } from './capability.js';
import { checkFormat, fhirBasePath, fhirContentType, fhirContentTypeHeader } from './format.js';
import { etagOf, versionFromIfMatch } from './meta.js';
import { controlParams, parseSearch, prefersLenient, type FhirSearch, type SearchParamDefinitions } from './search.js';
import { BundleBody, resourceBody } from './schemas.js';

export type ResourceOf<K extends ResourceType> = Extract<Resource, { resourceType: K }>;

/**
 * Everything a service serves of one resource type. The handlers given are the interactions
 * served: the same object registers the routes, checks the search parameters and writes the
 * service's CapabilityStatement, so they cannot disagree. Handlers are thin: they call the
 * service's domain functions with `actorOf(request)` and map the result with the resource's
 * mapping module.
 */
export interface FhirResourceRoutes<K extends ResourceType, Input> {
  type: K;
  /** The search parameters `search` understands (besides _count, _offset, _format, _pretty). */
  searchParams?: SearchParamDefinitions;
  /**
   * Which well-formed FHIR ids can name a resource of this type (default: UUIDs). Any other id
   * is answered 404 without calling the handler, as it names nothing.
   */
  id?: ZodType<string>;
  /** What `create` and `update` accept (a zod schema over the FHIR JSON); its failures are 400s naming the element. */
  input?: ZodType<Input>;
  read?: (request: FastifyRequest, id: string) => Promise<ResourceOf<K>>;
  search?: (request: FastifyRequest, search: FhirSearch) => Promise<SearchPage<ResourceOf<K>>>;
  create?: (request: FastifyRequest, resource: Input) => Promise<ResourceOf<K>>;
  /** `expectedVersion`: the If-Match version, if given; the domain answers 412 when it is stale. */
  update?: (request: FastifyRequest, id: string, resource: Input, expectedVersion: number | undefined) => Promise<ResourceOf<K>>;
  delete?: (request: FastifyRequest, id: string) => Promise<void>;
  /** Operations served elsewhere under this type (the gateway's Patient `$everything`): listed in the statement. */
  operations?: ResourceCapability['operations'];
}

/** A resource's routes with its types erased, for the list registerFhir takes. */
export interface AnyFhirResourceRoutes {
  readonly routes: FhirResourceRoutes<ResourceType, unknown>;
}

/** Wraps one resource's routes (keeps its handler types checked against its input schema). */
export function fhirResource<K extends ResourceType, Input = never>(routes: FhirResourceRoutes<K, Input>): AnyFhirResourceRoutes {
  return { routes: routes as unknown as FhirResourceRoutes<ResourceType, unknown> };
}

export const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;
const IdParams = z.object({ id: z.string().regex(fhirId, 'must be a FHIR id: 1-64 letters, digits, - or .') });
const uuidId = z.uuid();

/** The interactions a resource's routes serve, in the CapabilityStatement's terms. */
export function capabilityOf({ routes }: AnyFhirResourceRoutes): ResourceCapability {
  const interactions: FhirInteraction[] = [];
  if (routes.read) interactions.push('read');
  if (routes.search) interactions.push('search-type');
  if (routes.create) interactions.push('create');
  if (routes.update) interactions.push('update');
  if (routes.delete) interactions.push('delete');
  return {
    type: routes.type,
    interactions,
    searchParams: routes.search ? (routes.searchParams ?? {}) : {},
    operations: routes.operations ?? [],
    versioned: routes.update !== undefined,
  };
}

/**
 * Registers a service's FHIR API under /fhir/R4: each resource's interactions, and
 * `GET /fhir/R4/metadata`, the service's CapabilityStatement fragment (public: the gateway
 * assembles its own from these). Requests and answers are `application/fhir+json` (plain JSON
 * is accepted too); every error is an OperationOutcome (platform's error handler, for any path
 * under /fhir/). Tokens are checked by createService (apiServiceOptions protects /fhir/R4/).
 */
export async function registerFhir(app: ServiceInstance, source: CapabilitySource, resources: AnyFhirResourceRoutes[]): Promise<void> {
  await app.register(async (fhir: ServiceInstance) => {
    fhir.addContentTypeParser(fhirContentType, { parseAs: 'string' }, fhir.getDefaultJsonParser('error', 'error'));
    fhir.addHook('onRequest', (request, _reply, done) => {
      try {
        checkFormat(request.headers.accept, (request.query as Record<string, unknown>)._format);
        done();
      } catch (error) {
        done(error as Error);
      }
    });

    const entries = resources.map((resource) => resourceEntryOf(capabilityOf(resource)));
    fhir.get(
      `${fhirBasePath}/metadata`,
      { schema: { tags: ['fhir'], summary: `This service's FHIR CapabilityStatement (public)`, response: { 200: resourceBody('CapabilityStatement') } } },
      async (request, reply) => {
        reply.type(fhirContentTypeHeader).header('cache-control', 'public, max-age=60');
        return capabilityStatementOf(source, entries, { baseUrl: fhirBaseOf(request) });
      },
    );
    for (const resource of resources) registerResource(fhir, resource.routes);
  });
}

function registerResource(app: ServiceInstance, routes: FhirResourceRoutes<ResourceType, unknown>): void {
  const type: string = routes.type;
  const path = `${fhirBasePath}/${type}`;
  const tags = ['fhir'];
  const Body = resourceBody(type);
  const knownId = (id: string) => {
    if (!(routes.id ?? uuidId).safeParse(id).success) throw notFound(`${type}/${id} not found`, 'RESOURCE_NOT_FOUND');
    return id;
  };
  const inputOf = (body: unknown): unknown => {
    if (!routes.input) throw new Error(`FHIR ${type}: create and update need an input schema`);
    const parsed = routes.input.safeParse(body);
    if (parsed.success) return parsed.data;
    const details = parsed.error.issues.map((issue) => ({ field: [type, ...issue.path.map(String)].join('.'), message: issue.message }));
    throw badInput(`Invalid ${type}: ${[...new Set(details.map((detail) => detail.field))].join(', ')}`, details, 'INVALID_RESOURCE');
  };

  if (routes.read) {
    const read = routes.read;
    app.get(`${path}/:id`, { schema: { tags, summary: `Read a ${type}`, params: IdParams, response: { 200: Body } } }, async (request, reply) =>
      sendResource(reply, await read(request, knownId(request.params.id))),
    );
  }
  if (routes.search) {
    const search = routes.search;
    const declared = routes.searchParams ?? {};
    app.get(
      path,
      { schema: { tags, summary: `Search ${type} (${Object.keys(declared).join(', ') || 'no parameters'})`, querystring: searchQuerystring(declared), response: { 200: BundleBody } } },
      async (request, reply) => {
        const parsed = parseSearch(request.query as Record<string, unknown>, declared, { lenient: prefersLenient(request.headers.prefer) });
        const page = await search(request, parsed);
        reply.type(fhirContentTypeHeader);
        return searchsetBundle(fhirBaseOf(request), type, parsed, page);
      },
    );
  }
  if (routes.create) {
    const create = routes.create;
    app.post(path, { schema: { tags, summary: `Create a ${type}`, body: Body, response: { 201: Body } } }, async (request, reply) => {
      const created = await create(request, inputOf(request.body));
      reply.header('location', `${fhirBaseOf(request)}/${type}/${created.id}${created.meta?.versionId ? `/_history/${created.meta.versionId}` : ''}`);
      return sendResource(reply.code(201), created);
    });
  }
  if (routes.update) {
    const update = routes.update;
    app.put(
      `${path}/:id`,
      { schema: { tags, summary: `Update a ${type} (If-Match: W/"<versionId>" guards against lost updates: 412)`, params: IdParams, body: Body, response: { 200: Body } } },
      async (request, reply) => {
        const { id } = request.params;
        // FHIR http.html#update: the body names the resource the URL names.
        if ((request.body as { id?: unknown }).id !== id) {
          throw badInput(`The ${type}'s id must be the id in the URL (${id})`, [{ field: `${type}.id`, message: `must be ${id}` }], 'ID_MISMATCH');
        }
        const expectedVersion = versionFromIfMatch(request.headers['if-match']);
        return sendResource(reply, await update(request, knownId(id), inputOf(request.body), expectedVersion));
      },
    );
  }
  if (routes.delete) {
    const remove = routes.delete;
    app.delete(`${path}/:id`, { schema: { tags, summary: `Delete a ${type}`, params: IdParams, response: { 204: z.null().describe('Deleted') } } }, async (request, reply) => {
      await remove(request, knownId(request.params.id));
      return reply.code(204).send(null);
    });
  }
}

function sendResource(reply: FastifyReply, resource: Resource): Resource {
  reply.type(fhirContentTypeHeader);
  if (resource.meta?.versionId) reply.header('etag', etagOf(resource.meta.versionId));
  if (resource.meta?.lastUpdated) reply.header('last-modified', new Date(resource.meta.lastUpdated).toUTCString());
  return resource;
}

/** The declared parameters, for /docs; the querystring stays open so parseSearch can name the unknown ones. */
function searchQuerystring(declared: SearchParamDefinitions) {
  const value = z.union([z.string(), z.array(z.string())]).optional();
  const shape: Record<string, ZodType> = Object.fromEntries(Object.entries(declared).map(([name, param]) => [name, value.describe(`${param.type}: ${param.description}`)]));
  for (const name of controlParams) shape[name] = z.string().optional();
  return z.looseObject(shape);
}

const hostPattern = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

/**
 * The base URL clients reach FHIR at, for fullUrls and links: behind the gateway its
 * X-Forwarded-Host/-Proto (the gateway sets both); otherwise this server's own host.
 */
export function fhirBaseOf(request: FastifyRequest): string {
  const forwardedHost = header(request, 'x-forwarded-host');
  const host = forwardedHost && hostPattern.test(forwardedHost) ? forwardedHost : request.host;
  const forwardedProto = header(request, 'x-forwarded-proto');
  const protocol = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : request.protocol;
  return `${protocol}://${hostPattern.test(host) ? host : 'localhost'}${fhirBasePath}`;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
};
