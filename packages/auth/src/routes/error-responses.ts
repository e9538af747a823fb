import { ErrorResponse } from '@pms/contracts';

/** The error answers a route documents, all in the one error shape. */
export const errorResponses = (...statusCodes: number[]) =>
  Object.fromEntries(statusCodes.map((code) => [code, ErrorResponse])) as Record<number, typeof ErrorResponse>;
