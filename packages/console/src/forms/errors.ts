import type { z } from 'zod';
import { ApiError } from '../api/errors.js';

export type FieldErrors = Record<string, string>;

/** zod issues as field -> first message, keyed like the server's `details` (dotted paths). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    errors[field] ??= issue.message;
  }
  return errors;
}

/** The server's `details` of a 400 as field errors; empty when the failure is not about fields. */
export function serverFieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: FieldErrors = {};
  for (const detail of error.details) errors[detail.field] ??= detail.message;
  return errors;
}
