import { ErrorResponse } from '@pms/contracts';

/** The error answers a route documents in OpenAPI; all share the one error shape. */
export const errorResponses = <C extends number>(...codes: C[]) =>
  Object.fromEntries(codes.map((code) => [code, ErrorResponse])) as Record<C, typeof ErrorResponse>;
