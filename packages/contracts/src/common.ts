import { z } from 'zod';

// The building blocks of every input schema: what passes them, PostgreSQL and JS can store, so bad
// input is a 400 naming its field at the edge, never a database error (a 500) further in.

/**
 * Run a check only when everything before it passed: a malformed `from` must not also blame `to`,
 * and a malformed date gets one issue, not one per check.
 */
export const afterValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/**
 * Free text. PostgreSQL text cannot hold a NUL character (U+0000), and jsonb (event payloads in
 * the outbox) refuses a lone UTF-16 surrogate (`"\ud800"`, valid JSON text): both are refused here.
 */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const text = () =>
  z
    .string()
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')
    .refine((value) => !loneSurrogate.test(value), { message: 'must be well-formed Unicode (no lone surrogate)', ...afterValid });

/** An email address (its syntax allows no NUL); `normalizedEmail` also lower-cases it, for identities. */
export const emailAddress = z.email().max(254);
export const normalizedEmail = emailAddress.transform((value) => value.toLowerCase());

export const uuid = z.uuid();

/** ISO-8601 timestamp with an offset, e.g. 2026-11-21T09:00:00Z or 2026-11-21T10:00:00+01:00. */
export const isoDateTime = z.iso.datetime({ offset: true });
/** Calendar date, YYYY-MM-DD. */
export const isoDate = z.iso.date();

/**
 * What a client may send is limited to years 1900-2999: PostgreSQL has no year 0000, JS none beyond
 * 275760, and values derived from an input (an appointment's end, an invoice's due date) must stay
 * representable too. Checked on the written year, before any offset. Answers and events keep the
 * plain formats above, so a row stored before this limit still reads.
 */
export const dateRange = { earliestYear: 1900, latestYear: 2999 } as const;
const inDateRange = (value: string) => {
  const year = Number(value.slice(0, 4));
  return year >= dateRange.earliestYear && year <= dateRange.latestYear;
};
const outOfRange = `must be in the years ${dateRange.earliestYear} to ${dateRange.latestYear}`;

export const dateTimeInput = isoDateTime.refine(inDateRange, { message: outOfRange, ...afterValid });
export const dateInput = isoDate.refine(inDateRange, { message: outOfRange, ...afterValid });

export const roles = ['admin', 'staff', 'doctor', 'patient'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const IdParams = z.object({ id: uuid });

/** The one error shape of every HTTP answer that is not a success. */
export const ErrorResponse = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string(),
    code: z.string(),
    requestId: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** `{items, page, pageSize, total}` around any item schema. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
