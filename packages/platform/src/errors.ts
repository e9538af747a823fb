/**
 * The one error model. Domain code throws these; each transport maps them in one place
 * (HTTP: http/error-handler.ts, gRPC: grpc/status.ts, Kafka: events/consumer.ts).
 * Pure TypeScript: safe to import from domain code (`@pms/platform/errors`).
 */
export const errorKinds = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  /** The client accepts no format we answer in (FHIR `Accept` / `_format`). */
  NOT_ACCEPTABLE: 406,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  /** A conditional request's precondition (FHIR If-Match) no longer holds: a stale version. */
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type ErrorKind = keyof typeof errorKinds;

export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** A stable machine-readable code, e.g. SLOT_TAKEN; defaults to the kind. */
    readonly code: string = kind,
    readonly details?: FieldIssue[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  get statusCode(): number {
    return errorKinds[this.kind];
  }
}

export const badInput = (message: string, details?: FieldIssue[], code = 'BAD_INPUT') =>
  new AppError('BAD_INPUT', message, code, details);
export const unauthenticated = (message = 'Missing or invalid access token', code = 'UNAUTHENTICATED') =>
  new AppError('UNAUTHENTICATED', message, code);
export const forbidden = (message = 'Not allowed', code = 'FORBIDDEN') => new AppError('FORBIDDEN', message, code);
export const notFound = (message: string, code = 'NOT_FOUND') => new AppError('NOT_FOUND', message, code);
export const conflict = (message: string, code = 'CONFLICT') => new AppError('CONFLICT', message, code);
export const preconditionFailed = (message: string, code = 'PRECONDITION_FAILED') => new AppError('PRECONDITION_FAILED', message, code);
export const unprocessable = (message: string, code = 'UNPROCESSABLE') => new AppError('UNPROCESSABLE', message, code);
export const unavailable = (message: string, code = 'DEPENDENCY_UNAVAILABLE', cause?: unknown) =>
  new AppError('UNAVAILABLE', message, code, undefined, { cause });

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** The PostgreSQL error codes we turn into domain errors. */
export const pgErrorCodes = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
  foreignKeyViolation: '23503',
} as const;

/** postgres.js errors carry the SQLSTATE in `code`; drizzle wraps them in `cause`. */
export function pgErrorCode(error: unknown): string | undefined {
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** The constraint a PostgreSQL error names, if any. */
export function pgConstraint(error: unknown): string | undefined {
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    const name = (current as { constraint_name?: unknown }).constraint_name;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

const connectionFailures = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin shutdown
  '57P03', // cannot connect now
  // A database that is stuck is as good as down for the caller waiting on it.
  'QUERY_TIMEOUT', // no answer within the client-side bound (db/query-timeout.ts)
  '57014', // statement_timeout
  '55P03', // lock_timeout
]);

/** A database (or other socket) that is down or stuck: a 503 / UNAVAILABLE, never a 500 / INTERNAL. */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    if (connectionFailures.has((current as { code?: string }).code ?? '')) return true;
  }
  return false;
}
