// The HTTP entry: the package's root also loads the gRPC stubs, and the gateway uses this module.
import { dateRange, uuid } from '@pms/contracts/http';
import { badInput, type FieldIssue } from '../errors.js';

export type SearchParamType = 'string' | 'token' | 'date' | 'reference' | 'number' | 'uri';

export interface SearchParamDefinition {
  type: SearchParamType;
  /** Shown in the CapabilityStatement and /docs. */
  description: string;
  /** For a reference parameter: the resource types it may point to (`patient` → Patient). */
  target?: string[];
}

/** A resource's search parameters by name, e.g. `{ family: { type: 'string', description: '…' } }`. */
export type SearchParamDefinitions = Record<string, SearchParamDefinition>;

/** Result parameters every search takes, whatever the resource. */
export const controlParams = ['_count', '_offset', '_format', '_pretty'] as const;

export const defaultCount = 20;
export const maxCount = 100;
/** Longer search values are refused: no index serves them and they only cost. */
const maxValueLength = 256;

export type DatePrefix = 'eq' | 'ge' | 'gt' | 'le' | 'lt';

/**
 * A date search value as a half-open instant range the column must fall into. `birthdate=1990`
 * is the whole year; `ge1990-05` from May on; `lt1990-05-01` before that day (FHIR search.html#date).
 */
export interface DateBounds {
  /** value >= atLeast */
  atLeast?: Date;
  /** value < before */
  before?: Date;
}

export interface TokenValue {
  /** undefined: any system; '': no system (`|code`). */
  system?: string;
  code: string;
}

/**
 * A parsed search: the declared parameters that were given (each repetition ANDs; commas inside
 * one OR) and the page asked for. The accessors refuse, with a 400 naming the parameter, what a
 * service does not support (several values where it takes one, an unsupported date prefix).
 */
export class FhirSearch {
  constructor(
    private readonly values: ReadonlyMap<string, string[]>,
    readonly count: number,
    readonly offset: number,
    /** Unknown parameters dropped under `Prefer: handling=lenient` (FHIR wants them out of the self link). */
    readonly ignored: readonly string[],
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The one value of a parameter (no repetition, no comma). */
  one(name: string): string | undefined {
    const anyOf = this.anyOf(name);
    if (anyOf && anyOf.length > 1) throw refused(name, 'takes one value here');
    return anyOf?.[0];
  }

  /** The comma-separated alternatives of a parameter given once. */
  anyOf(name: string): string[] | undefined {
    const given = this.values.get(name);
    if (!given) return undefined;
    if (given.length > 1) throw refused(name, 'may be given only once');
    return splitOr(given[0]!);
  }

  /** Every repetition of a date parameter, each a range the value must fall into (they AND). */
  dates(name: string): DateBounds[] {
    return (this.values.get(name) ?? []).map((value) => {
      if (splitOr(value).length > 1) throw refused(name, 'takes no comma-separated dates');
      return parseDate(name, value);
    });
  }

  /** Every repetition of a date parameter ANDed into one range: the latest lower and the earliest upper bound. */
  dateRange(name: string): DateBounds {
    const range: DateBounds = {};
    for (const { atLeast, before } of this.dates(name)) {
      if (atLeast && !(range.atLeast && range.atLeast >= atLeast)) range.atLeast = atLeast;
      if (before && !(range.before && range.before <= before)) range.before = before;
    }
    return range;
  }

  /**
   * The id a reference parameter points to: `<type>/<id>`, a bare `<id>`, or an absolute URL
   * ending in `<type>/<id>`. A reference to another type is refused, never read as an id of `type`.
   */
  referenceId(name: string, type: string): string | undefined {
    const value = this.one(name);
    if (value === undefined) return undefined;
    const id = referencedId(value, type);
    if (id === undefined) throw refused(name, `must reference a ${type} (${type}/<id>)`);
    return id;
  }

  /**
   * A reference to one of our UUID-keyed resources: its id lower-cased, `null` when the id cannot
   * be one of ours (the search then matches nothing), undefined when the parameter is not given.
   */
  referenceUuid(name: string, type: string): string | null | undefined {
    const id = this.referenceId(name, type);
    if (id === undefined) return undefined;
    return uuid.safeParse(id).success ? id.toLowerCase() : null;
  }

  /** `_id`-style token values that can be UUID keys, lower-cased; other ids are dropped: they match nothing. */
  uuids(name: string): string[] | undefined {
    return this.anyOf(name)?.flatMap((id) => (uuid.safeParse(id).success ? [id.toLowerCase()] : []));
  }

  /** A token value: `code`, `system|code` or `|code`. */
  token(name: string): TokenValue | undefined {
    const value = this.one(name);
    if (value === undefined) return undefined;
    const bar = value.indexOf('|');
    if (bar < 0) return { code: value };
    return { system: value.slice(0, bar), code: value.slice(bar + 1) };
  }

  /** The self link's query: the parameters as understood, with the page made explicit. */
  linkQuery(offset = this.offset): URLSearchParams {
    const query = new URLSearchParams();
    for (const [name, values] of this.values) for (const value of values) query.append(name, value);
    query.set('_count', String(this.count));
    if (offset > 0) query.set('_offset', String(offset));
    return query;
  }
}

export interface ParseSearchOptions {
  /** `Prefer: handling=lenient`: unknown parameters are ignored instead of refused. */
  lenient: boolean;
}

/**
 * Checks a query against the declared parameters: an unknown one is a 400 naming it, unless the
 * client asked for lenient handling. Modifiers (`name:exact`) count as unknown unless declared.
 */
export function parseSearch(
  query: Record<string, unknown>,
  declared: SearchParamDefinitions,
  options: ParseSearchOptions,
): FhirSearch {
  const values = new Map<string, string[]>();
  const ignored: string[] = [];
  const unknown: FieldIssue[] = [];
  for (const [name, raw] of Object.entries(query)) {
    const given = [raw].flat().map((value) => checkedValue(name, value));
    if ((controlParams as readonly string[]).includes(name)) continue;
    if (Object.hasOwn(declared, name)) {
      // Malformed dates are refused even where a handler would not look at them.
      if (declared[name]!.type === 'date') for (const value of given) splitOr(value).forEach((date) => parseDate(name, date));
      values.set(name, given);
    }
    else if (options.lenient) ignored.push(name);
    else unknown.push({ field: name, message: 'is not a supported search parameter' });
  }
  if (unknown.length > 0) {
    throw badInput(`Unknown search parameter: ${unknown.map((issue) => issue.field).join(', ')} (send Prefer: handling=lenient to ignore)`, unknown, 'UNKNOWN_SEARCH_PARAMETER');
  }
  const count = integerParam(query, '_count', defaultCount, 0);
  const offset = integerParam(query, '_offset', 0, 0);
  return new FhirSearch(values, Math.min(count, maxCount), offset, ignored);
}

/** Is `Prefer: handling=lenient` among the request's preferences? */
export const prefersLenient = (prefer: string | string[] | undefined) =>
  [prefer ?? []].flat().some((header) => /(^|[;,\s])handling\s*=\s*"?lenient"?/i.test(header));

function checkedValue(name: string, value: unknown): string {
  if (typeof value !== 'string') throw refused(name, 'must be text');
  if (value.length > maxValueLength) throw refused(name, `is longer than ${maxValueLength} characters`);
  // PostgreSQL cannot hold NUL in text: refused here instead of failing the query.
  if (value.includes('\u0000')) throw refused(name, 'contains a NUL character');
  if (value.trim() === '') throw refused(name, 'is empty');
  return value;
}

function integerParam(query: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < min) throw refused(name, `must be a whole number of at least ${min}`);
  return Number(raw);
}

/** Commas separate alternatives; `\,` is a literal comma. */
const splitOr = (value: string) => value.split(/(?<!\\),/).map((part) => part.replaceAll('\\,', ','));

const bareId = /^[A-Za-z0-9\-.]{1,64}$/;
/** `Type/id`, optionally after an absolute base URL; the type is always explicit, never swallowed by the base. */
const typedReference = /^(?:https?:\/\/\S+\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/** The type and id of a `Type/id` reference, relative or absolute; undefined for anything else. */
export function referenceTarget(value: string): { type: string; id: string } | undefined {
  const match = typedReference.exec(value);
  return match ? { type: match[1]!, id: match[2]! } : undefined;
}

/** The id of a reference search value if it points to `type` (or is a bare id); undefined for anything else. */
export function referencedId(value: string, type: string): string | undefined {
  if (bareId.test(value)) return value;
  const target = referenceTarget(value);
  return target?.type === type ? target.id : undefined;
}

const datePattern = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Parses `[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][zone]]]]` into the range its precision spans. */
export function parseDate(name: string, value: string): DateBounds {
  const match = datePattern.exec(value);
  if (!match) throw refused(name, 'must be a FHIR date such as ge2024-01-31 or eq2024-01-31T09:00:00Z');
  const [, prefix = 'eq', year, month, day, hour, minute, second, fraction, zone = 'Z'] = match;
  if (!['eq', 'ge', 'gt', 'le', 'lt'].includes(prefix)) throw refused(name, `prefix ${prefix} is not supported (eq, ge, gt, le, lt are)`);
  const start = `${year}-${month ?? '01'}-${day ?? '01'}T${hour ?? '00'}:${minute ?? '00'}:${second ?? '00'}.${(fraction ?? '0').padEnd(3, '0').slice(0, 3)}${zone}`;
  const from = new Date(start);
  // `Date` rolls 2024-02-30 over into March: a value that does not round-trip is no date.
  const roundTrip = hour === undefined && !Number.isNaN(from.getTime()) ? from.toISOString().slice(0, 10) : undefined;
  if (Number.isNaN(from.getTime()) || (roundTrip !== undefined && roundTrip !== start.slice(0, 10))) throw refused(name, 'is not a valid date');
  // The JSON API's bound (contracts' dateRange): PostgreSQL has no year 0, and no row lies outside it.
  if (Number(year) < dateRange.earliestYear || Number(year) > dateRange.latestYear) {
    throw refused(name, `must be in the years ${dateRange.earliestYear} to ${dateRange.latestYear}`);
  }
  const to = endOfPrecision(from, { month, day, hour, second, fraction });
  switch (prefix as DatePrefix) {
    case 'eq':
      return { atLeast: from, before: to };
    case 'ge':
      return { atLeast: from };
    case 'gt':
      return { atLeast: to };
    case 'le':
      return { before: to };
    case 'lt':
      return { before: from };
  }
}

function endOfPrecision(from: Date, given: { month?: string; day?: string; hour?: string; second?: string; fraction?: string }): Date {
  const end = new Date(from);
  if (given.month === undefined) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (given.day === undefined) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (given.hour === undefined) end.setUTCDate(end.getUTCDate() + 1);
  else if (given.second === undefined) end.setUTCMinutes(end.getUTCMinutes() + 1);
  else if (given.fraction === undefined) end.setUTCSeconds(end.getUTCSeconds() + 1);
  else end.setUTCMilliseconds(end.getUTCMilliseconds() + 1);
  return end;
}

const refused = (name: string, message: string) => badInput(`Search parameter ${name} ${message}`, [{ field: name, message }], 'INVALID_SEARCH_PARAMETER');
