import { typeOf, unwrapNullable, type JsonSchema } from './openapi.js';

/** What the fuzzer knows about the system it runs against: real ids to put in paths and bodies. */
export interface Fixtures {
  ids: Record<string, string>;
  /** Unique per call, so creating twice never collides. */
  uniqueEmail(): string;
  /** A future instant the system accepts (e.g. tomorrow, 10:00 UTC). */
  startsAt: string;
}

// Patterns the schemas use, with a value each matches (a schema with another pattern gets a plain string).
const patternSamples: [RegExp, (name: string) => string][] = [
  [/0-9 \(\)-/, () => '+49 30 5550100'],
  [/\[01\]\\d\|2\[0-3\]/, (name) => (/end/i.test(name) ? '17:00' : '09:00')],
  [/^\^\[\\w-\]\+\$$/, () => 'fuzz-token-0123456789abcdef'],
  // A room's or device's kind (contracts' ResourceKind): UPPER_CASE.
  [/^\^\[A-Z\]\[A-Z0-9_\]/, () => 'EXAM'],
];

const idKeyByCollection: Record<string, string> = {
  doctors: 'doctorId',
  patients: 'patientId',
  appointments: 'appointmentId',
  invoices: 'invoiceId',
  'time-off': 'timeOffId',
  users: 'userId',
  locations: 'locationId',
  rooms: 'roomId',
  equipment: 'equipmentId',
};

/** The id a path parameter or field called `name` should carry, from the collection it follows. */
export function idFor(fixtures: Fixtures, name: string, collection?: string): string | undefined {
  if (name !== 'id' && fixtures.ids[name]) return fixtures.ids[name];
  const key = collection ? idKeyByCollection[collection] : undefined;
  return key ? fixtures.ids[key] : undefined;
}

export const isDateLike = (schema: JsonSchema, name: string) => {
  const s = unwrapNullable(schema);
  return s.format === 'date-time' || s.format === 'date' || /(At|^from|^to|date|Date)$/.test(name);
};

/** A value the schema accepts, chosen by its type, format and the field's name. */
export function validValue(schema: JsonSchema, name: string, fixtures: Fixtures, collection?: string): unknown {
  const s = unwrapNullable(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.allOf?.length) return validValue(Object.assign({}, ...s.allOf), name, fixtures, collection);
  switch (typeOf(s)) {
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([key, prop]) => [key, validValue(prop, key, fixtures, collection)]),
      );
    case 'array':
      return s.items ? [validValue(s.items, name, fixtures, collection)] : [];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return validString(s, name, fixtures, collection);
  }
}

function validString(s: JsonSchema, name: string, fixtures: Fixtures, collection?: string): string {
  if (s.format === 'uuid') return idFor(fixtures, name, collection) ?? '7b0a3f4e-2c55-4d8e-9a51-0f2b6c1d9e37';
  if (s.format === 'email' || name === 'email') return fixtures.uniqueEmail();
  if (s.format === 'date') return /birth/i.test(name) ? '1988-04-12' : fixtures.startsAt.slice(0, 10);
  if (s.format === 'date-time') {
    const later = new Date(Date.parse(fixtures.startsAt) + 3_600_000).toISOString();
    return /^(to|endsAt|until)$/.test(name) ? later : fixtures.startsAt;
  }
  if (/timeZone/i.test(name)) return 'Europe/Berlin';
  if (/password/i.test(name)) return 'fuzz-password-1';
  for (const [pattern, sample] of patternSamples) if (s.pattern && pattern.test(s.pattern)) return sample(name);
  const text = 'fuzz text';
  return text.padEnd(s.minLength ?? 0, 'x');
}

const deepArray = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
const huge = 'x'.repeat(100_000);

/** Wrong values for one field: wrong types, NUL bytes, huge and broken strings, dates nobody can store. */
export function badValues(schema: JsonSchema, name: string, valid: unknown): [label: string, value: unknown][] {
  const type = typeOf(schema);
  const asText = typeof valid === 'string' ? valid : 'fuzz';
  const values: [string, unknown][] = [
    ['null', null],
    ['object', { nested: { deeper: true } }],
    ['deep nesting', deepArray(500)],
    ['NUL inside', `a\u0000b`],
    ['NUL after a valid value', `${asText}\u0000`],
    ['huge string', huge],
    ['lone surrogate', '\ud800'],
  ];
  if (type !== 'number' && type !== 'integer') values.push(['number', 12345], ['boolean', true]);
  if (type === 'number' || type === 'integer') {
    values.push(['numeric string', '12'], ['negative', -1], ['fraction', 1.5], ['1e308', 1e308], ['beyond 2^53', 2 ** 53 + 2]);
  }
  if (type === 'string' || type === undefined) values.push(['empty', ''], ['array', ['x']]);
  if (isDateLike(schema, name)) values.push(...badDates.map(([label, value]) => [label, value] as [string, unknown]));
  return values;
}

/** Odd but valid instants: they must not fail, so a 400 they cause may name the field they are compared with. */
export const unusualButValid = new Set(['offset +23:59', 'nanoseconds']);

/** Dates that parse as ISO 8601 shapes but no database (or no JS Date) can hold, or that do not exist. */
export const badDates: [label: string, value: string][] = [
  ['year 0000 date', '0000-01-01'],
  ['year 0000 instant', '0000-01-01T00:00:00Z'],
  ['end of year 9999', '9999-12-31T23:30:00Z'],
  ['year 9999 date', '9999-12-31'],
  ['expanded year', '+275760-09-13T00:00:00Z'],
  ['negative year', '-000001-01-01T00:00:00Z'],
  ['30 February', '2027-02-30T10:00:00Z'],
  ['month 13', '2027-13-01'],
  ['offset +23:59', '2027-01-01T10:00:00+23:59'],
  ['nanoseconds', '2027-01-01T10:00:00.123456789Z'],
  ['hour 24', '2027-01-01T24:00:00Z'],
];

/** Path segments that try to leave the route, break its decoding, or sneak a NUL in. */
export const pathTricks: [label: string, raw: string][] = [
  ['dot dot', '..'],
  ['dot', '.'],
  ['encoded dot dot', '%2e%2e'],
  ['dot dot slash', '..%2F..%2Fhealth'],
  ['encoded slash', 'a%2Fb'],
  ['NUL', '%00'],
  ['NUL inside', 'a%00b'],
  ['bad percent encoding', '%E0%A4%A'],
  ['stray percent', '%ZZ'],
  ['long', 'x'.repeat(3000)],
  ['space', '%20'],
  ['upper-case uuid', '7B0A3F4E-2C55-4D8E-9A51-0F2B6C1D9E37'],
  ['uuid with NUL', '7b0a3f4e-2c55-4d8e-9a51-0f2b6c1d9e37%00'],
  ['nil uuid', '00000000-0000-0000-0000-000000000000'],
];

/** Raw (already encoded) query values. */
export function queryTricks(schema: JsonSchema, name: string): [label: string, raw: string][] {
  const raws: [string, string][] = [
    ['NUL', '%00'],
    ['NUL inside', 'a%00b'],
    ['long', 'x'.repeat(6000)],
    ['bad percent encoding', '%E0%A4%A'],
    ['not a number', 'abc'],
    ['negative', '-1'],
    ['1e400', '1e400'],
    ['empty', ''],
    ['lone surrogate', '%ED%A0%80'],
  ];
  if (isDateLike(schema, name)) raws.push(...badDates.map(([label, value]) => [label, encodeURIComponent(value)] as [string, string]));
  return raws;
}

/** Whole bodies that are not the object the route expects. */
export const bodyTricks: [label: string, raw: string][] = [
  ['empty body', ''],
  ['JSON null', 'null'],
  ['JSON array', '[]'],
  ['JSON string', '"x"'],
  ['truncated JSON', '{"a":'],
  ['NUL in JSON text', '{"a":"\u0000"}'],
  ['deep nesting', '['.repeat(100_000) + ']'.repeat(100_000)],
  ['deep object nesting', '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)],
  ['__proto__', '{"__proto__":{"polluted":true}}'],
  ['constructor', '{"constructor":{"prototype":{"polluted":true}}}'],
];
