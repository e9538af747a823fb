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

interface ErrorBody {
  code?: string;
  message?: string;
  details?: FieldError[];
  /** A FHIR error is an OperationOutcome: its issues say what went wrong, `diagnostics` starts with our code. */
  resourceType?: string;
  issue?: { details?: { text?: string }; diagnostics?: string }[];
}

export async function apiErrorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  if (body.resourceType === 'OperationOutcome') {
    const texts = (body.issue ?? []).flatMap((issue) => issue.details?.text ?? []);
    const code = body.issue?.[0]?.diagnostics?.split(' ')[0];
    return new ApiError(response.status, code ?? `HTTP_${response.status}`, texts.join('; ') || response.statusText);
  }
  return new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText, body.details ?? []);
}

/** What to tell the user about a failure that is not about one field. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server cannot be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
