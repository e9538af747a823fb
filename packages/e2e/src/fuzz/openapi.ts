/** The little of OpenAPI 3.1 / JSON Schema the fuzzer reads: operations, their parameters and bodies. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

interface RawParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}
interface RawOperation {
  parameters?: RawParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
  security?: unknown[];
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}
export interface Operation {
  service: string;
  method: string;
  /** OpenAPI template, e.g. /api/doctors/{id}/time-off/{timeOffId}. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  body?: JsonSchema;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of one service's document, with `$ref`s resolved. */
export function operationsOf(service: string, doc: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema | undefined, depth = 0): JsonSchema => {
    if (!schema || depth > 20) return {};
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop() ?? '';
      return resolve(doc.components?.schemas?.[name], depth + 1);
    }
    const nested = (list?: JsonSchema[]) => list?.map((s) => resolve(s, depth + 1));
    return {
      ...schema,
      ...(schema.items ? { items: resolve(schema.items, depth + 1) } : {}),
      ...(schema.properties
        ? { properties: Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, resolve(s, depth + 1)])) }
        : {}),
      ...(schema.anyOf ? { anyOf: nested(schema.anyOf) } : {}),
      ...(schema.oneOf ? { oneOf: nested(schema.oneOf) } : {}),
      ...(schema.allOf ? { allOf: nested(schema.allOf) } : {}),
    };
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const raw = item[method];
      if (!raw) continue;
      const params = (where: RawParameter['in']) =>
        (raw.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required ?? where === 'path', schema: resolve(p.schema) }));
      const body = raw.requestBody?.content?.['application/json']?.schema;
      operations.push({
        service,
        method: method.toUpperCase(),
        path,
        pathParams: params('path'),
        query: params('query'),
        ...(body ? { body: resolve(body) } : {}),
      });
    }
  }
  return operations;
}

/** The non-null branch of `anyOf: [X, {type: null}]` (zod's nullable), else the schema itself. */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return schema;
  return branches.find((s) => s.type !== 'null') ?? schema;
}

export function typeOf(schema: JsonSchema): string | undefined {
  const s = unwrapNullable(schema);
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  if (s.type) return s.type;
  if (s.properties) return 'object';
  if (s.enum) return typeof s.enum[0];
  return undefined;
}
