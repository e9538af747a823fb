import { ErrorResponse } from '@pms/contracts';

/** The error answers a route documents in OpenAPI (all in the one error shape). */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));
