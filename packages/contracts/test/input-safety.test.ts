import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import * as contracts from '../src/index.js';
import {
  AvailabilityQuery,
  BookAppointmentBody,
  dateInput,
  dateTimeInput,
  isoDateTime,
  PatientInput,
  RescheduleAppointmentBody,
  SummaryQuery,
  TimeOffInput,
  TimeOffQuery,
} from '../src/index.js';

// Everything a client sends is parsed by one of these schemas; what passes must be storable in
// PostgreSQL (no NUL character, no year it cannot hold), or the service answers 500 instead of 400.

interface Def {
  type: string;
  format?: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every string schema inside an input schema, with its field path. */
function stringLeaves(schema: z.ZodType, path: string): { path: string; schema: z.ZodType; format?: string }[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return [{ path, schema, format: def.format }];
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, child]) => stringLeaves(child, `${path}.${key}`));
    case 'array':
      return def.element ? stringLeaves(def.element, `${path}.0`) : [];
    case 'union':
      return (def.options ?? []).flatMap((option) => stringLeaves(option, path));
    case 'pipe':
      return def.in ? stringLeaves(def.in, path) : [];
    default:
      return def.innerType ? stringLeaves(def.innerType, path) : [];
  }
}

const isSchema = (value: unknown): value is z.ZodType => typeof value === 'object' && value !== null && '_zod' in value;
const inputSchemas = Object.entries(contracts as Record<string, unknown>).flatMap(([name, value]) =>
  /(Body|Input|Query|Params)$/.test(name) && isSchema(value) ? [[name, value] as const] : [],
);
const leaves = inputSchemas.flatMap(([name, schema]) => stringLeaves(schema, name));

describe('every input schema of @pms/contracts', () => {
  it('has string fields to check (the walk reaches them)', () => {
    expect(inputSchemas.length).toBeGreaterThan(15);
    // The clinic floor's writes and list filters (issue 22) among them.
    const floor = ['LocationInput.name', 'LocationInput.address', 'LocationInput.timeZone', 'LocationInput.openingHours.0.start', 'RoomInput.kind', 'EquipmentInput.locationId', 'ResourceListQuery.kind'];
    expect(leaves.map((leaf) => leaf.path)).toEqual(expect.arrayContaining(['PatientInput.name', 'DoctorListQuery.q', 'TimeOffInput.reason', ...floor]));
  });

  it.each(leaves.map((leaf) => [leaf.path, leaf] as const))('%s refuses a NUL character', (_path, leaf) => {
    for (const value of ['\u0000', 'a\u0000b', 'Fuzz Name\u0000', '+49 30 5550100\u0000', '09:00\u0000', 'Europe/Berlin\u0000']) {
      expect(leaf.schema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
  });

  it.each(leaves.map((leaf) => [leaf.path, leaf] as const))('%s refuses a lone UTF-16 surrogate (jsonb cannot hold it)', (_path, leaf) => {
    for (const value of ['\ud800', 'Odd\ud800', 'a\udc00b', 'Fuzz Name\ud83d']) {
      expect(leaf.schema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
    // A surrogate pair is one character (an emoji): text keeps it.
    if (leaf.path === 'PatientInput.name') expect(leaf.schema.safeParse('Ada \ud83e\ude7a').success).toBe(true);
  });

  it.each(leaves.filter((leaf) => leaf.format === 'datetime' || leaf.format === 'date').map((leaf) => [leaf.path, leaf] as const))(
    '%s refuses years PostgreSQL or derived values cannot hold',
    (_path, leaf) => {
      for (const value of ['0000-01-01', '0000-01-01T00:00:00Z', '9999-12-31T23:30:00Z', '9999-12-31', '1899-12-31T23:59:59Z']) {
        expect(leaf.schema.safeParse(value).success, value).toBe(false);
      }
    },
  );
});

const fieldsOf = (result: { error?: z.ZodError }) => [...new Set(result.error?.issues.map((issue) => issue.path.join('.')))].sort();

describe('dates and instants', () => {
  it('accept the years 1900 to 2999', () => {
    expect(dateTimeInput.safeParse('1900-01-01T00:00:00Z').success).toBe(true);
    expect(dateTimeInput.safeParse('2999-12-31T23:59:59+01:00').success).toBe(true);
    expect(dateInput.safeParse('1900-01-01').success).toBe(true);
    expect(dateInput.safeParse('2999-12-31').success).toBe(true);
  });

  it('are not limited in answers and events, so rows stored before the limit still read', () => {
    expect(isoDateTime.safeParse('0198-05-12T00:00:00Z').success).toBe(true);
  });

  it('give one issue for a year out of range, saying the range', () => {
    const result = dateTimeInput.safeParse('0000-01-01T00:00:00Z');
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['must be in the years 1900 to 2999']);
  });

  it('blame startsAt, not the endsAt derived from it, for an appointment at the end of year 9999', () => {
    const startsAt = '9999-12-31T23:30:00Z';
    expect(fieldsOf(BookAppointmentBody.safeParse({ patientId: crypto.randomUUID(), doctorId: crypto.randomUUID(), startsAt }))).toEqual(['startsAt']);
    expect(fieldsOf(RescheduleAppointmentBody.safeParse({ startsAt }))).toEqual(['startsAt']);
  });

  it('blame only `from` when `from` is broken, not the `to` it is compared with', () => {
    const query = { from: '0000-01-01T00:00:00Z', to: '2027-01-02T00:00:00Z' };
    expect(fieldsOf(AvailabilityQuery.safeParse(query))).toEqual(['from']);
    expect(fieldsOf(TimeOffQuery.safeParse(query))).toEqual(['from']);
    expect(fieldsOf(SummaryQuery.safeParse(query))).toEqual(['from']);
    expect(fieldsOf(SummaryQuery.safeParse({ from: 'yesterday', to: query.to }))).toEqual(['from']);
    expect(fieldsOf(TimeOffInput.safeParse({ startsAt: query.from, endsAt: query.to }))).toEqual(['startsAt']);
  });

  it('still compare the fields when both are valid', () => {
    expect(fieldsOf(AvailabilityQuery.safeParse({ from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' }))).toEqual(['to']);
    expect(fieldsOf(AvailabilityQuery.safeParse({ from: '2027-01-01T00:00:00Z', to: '2027-03-01T00:00:00Z' }))).toEqual(['to']);
  });

  it('refuse a date of birth in year 0000 with one issue', () => {
    const result = PatientInput.safeParse({ name: 'Vera', email: 'vera@example.com', dateOfBirth: '0000-01-01' });
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['dateOfBirth', 'must be in the years 1900 to 2999']]);
  });
});
