export interface FieldError {
  field: string;
  message: string;
}

/** A non-2xx answer in the system's one error shape (contracts' ErrorResponse). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function apiErrorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string; details?: FieldError[] };
  return new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText, body.details ?? []);
}

/** What to tell the user about a failure that is not about one field. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server cannot be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
