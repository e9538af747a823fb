import type { Operation } from './openapi.js';
import { badValues, bodyTricks, pathTricks, queryTricks, unusualButValid, validValue, type Fixtures } from './values.js';

/** One request of the fuzz run, and the field it breaks (a 400 must name it). */
export interface FuzzCase {
  operation: Operation;
  label: string;
  method: string;
  /** Raw path and query, sent byte for byte (no URL normalisation). */
  path: string;
  body?: string;
  contentType?: string;
  /** The field the case made invalid; undefined for the valid baseline and whole-body tricks. */
  field?: string;
}

/** A field of the JSON body and its path, e.g. hours.0.start. */
type Leaf = { path: (string | number)[]; value: unknown };

function leaves(value: unknown, path: (string | number)[] = [], depth = 0): Leaf[] {
  const here: Leaf[] = path.length ? [{ path, value }] : [];
  if (depth >= 3 || value === null || typeof value !== 'object') return here;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [...here, ...entries.flatMap(([key, child]) => leaves(child, [...path, key], depth + 1))];
}

function withValueAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1) ?? ''] = value;
  return copy;
}

/** The collection a path parameter belongs to: the segment before it (doctors in /api/doctors/{id}). */
const collectionBefore = (path: string, param: string) => {
  const segments = path.split('/');
  return segments[segments.indexOf(`{${param}}`) - 1];
};

/**
 * Every case for one operation: the valid baseline, then each path parameter, query parameter
 * and body field broken in every way `values.ts` knows, one at a time, and whole-body tricks.
 */
export function casesFor(operation: Operation, fixtures: Fixtures): FuzzCase[] {
  const paramValues = Object.fromEntries(
    operation.pathParams.map((p) => [
      p.name,
      encodeURIComponent(String(validValue(p.schema, p.name, fixtures, collectionBefore(operation.path, p.name)))),
    ]),
  );
  const queryValues = Object.fromEntries(
    operation.query.map((p) => [p.name, encodeURIComponent(String(validValue(p.schema, p.name, fixtures)))]),
  );
  const collection = operation.path.split('/').filter((s) => s && !s.startsWith('{')).pop();
  const body = operation.body ? validValue(operation.body, 'body', fixtures, collection) : undefined;

  const build = (label: string, changes: { params?: Record<string, string>; query?: string; body?: string; field?: string; contentType?: string }) => {
    const params = { ...paramValues, ...changes.params };
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
    const query = changes.query ?? Object.entries(queryValues).map(([k, v]) => `${k}=${v}`).join('&');
    const text = changes.body ?? (body === undefined ? undefined : JSON.stringify(body));
    return {
      operation,
      label,
      method: operation.method,
      path: query ? `${path}?${query}` : path,
      ...(text === undefined ? {} : { body: text, contentType: changes.contentType ?? 'application/json' }),
      ...(changes.field ? { field: changes.field } : {}),
    };
  };

  const cases: FuzzCase[] = [build('valid baseline', {})];
  for (const param of operation.pathParams) {
    for (const [label, raw] of pathTricks) {
      cases.push(build(`path ${param.name}: ${label}`, { params: { [param.name]: raw }, field: param.name }));
    }
  }
  for (const param of operation.query) {
    const others = Object.entries(queryValues).filter(([k]) => k !== param.name);
    const withRaw = (raw: string) => [...others, [param.name, raw]].map(([k, v]) => `${k}=${v}`).join('&');
    for (const [label, raw] of queryTricks(param.schema, param.name)) {
      const field = unusualButValid.has(label) ? undefined : param.name;
      cases.push(build(`query ${param.name}: ${label}`, { query: withRaw(raw), ...(field ? { field } : {}) }));
    }
    cases.push(build(`query ${param.name}: repeated`, { query: `${withRaw('a')}&${param.name}=b`, field: param.name }));
  }
  if (body !== undefined && operation.body) {
    for (const leaf of leaves(body)) {
      const field = leaf.path.join('.');
      for (const [label, value] of badValues(schemaAt(operation.body, leaf.path), String(leaf.path.at(-1)), leaf.value)) {
        const strict = unusualButValid.has(label) ? {} : { field };
        cases.push(build(`body ${field}: ${label}`, { body: JSON.stringify(withValueAt(body, leaf.path, value)), ...strict }));
      }
    }
    for (const [label, raw] of bodyTricks) cases.push(build(`body: ${label}`, { body: raw }));
    cases.push(build('body: huge', { body: JSON.stringify({ ...(body as object), padding: 'x'.repeat(2_000_000) }) }));
    cases.push(build('body: text/plain', { contentType: 'text/plain' }));
  }
  return cases;
}

function schemaAt(schema: Operation['body'], path: (string | number)[]) {
  let node = schema ?? {};
  for (const key of path) {
    const plain = node.anyOf?.find((s) => s.type !== 'null') ?? node;
    node = (typeof key === 'number' ? plain.items : plain.properties?.[key]) ?? {};
  }
  return node;
}
