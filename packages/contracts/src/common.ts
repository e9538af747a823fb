import { z } from 'zod';

export const uuid = z.uuid();
/** ISO-8601 timestamp with an offset, e.g. 2026-11-21T09:00:00Z or 2026-11-21T10:00:00+01:00. */
export const isoDateTime = z.iso.datetime({ offset: true });
/** Calendar date, YYYY-MM-DD. */
export const isoDate = z.iso.date();

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
