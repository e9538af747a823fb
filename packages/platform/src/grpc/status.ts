import { Metadata, status as GrpcStatus, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { ZodError } from 'zod';
import { AppError, isAppError, isConnectionFailure, type ErrorKind, type FieldIssue } from '../errors.js';

/**
 * The one place gRPC statuses meet the AppError model, in both directions.
 * The status code is the contract (any gRPC client understands it); the AppError's stable
 * code and field issues ride along in trailers so a PMS caller can rebuild the same error.
 */
export const errorCodeKey = 'x-error-code';
/** `-bin`: the JSON may hold non-ASCII text, which plain metadata values may not. */
export const errorDetailsKey = 'x-error-details-bin';

const statusByKind: Record<ErrorKind, GrpcStatus> = {
  BAD_INPUT: GrpcStatus.INVALID_ARGUMENT,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  FORBIDDEN: GrpcStatus.PERMISSION_DENIED,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  REQUEST_TIMEOUT: GrpcStatus.DEADLINE_EXCEEDED,
  // Our gRPC writes are creations (CreateBillingAccount), so a conflict means "exists".
  CONFLICT: GrpcStatus.ALREADY_EXISTS,
  PRECONDITION_FAILED: GrpcStatus.FAILED_PRECONDITION,
  NOT_ACCEPTABLE: GrpcStatus.INVALID_ARGUMENT,
  PAYLOAD_TOO_LARGE: GrpcStatus.RESOURCE_EXHAUSTED,
  UNPROCESSABLE: GrpcStatus.FAILED_PRECONDITION,
  RATE_LIMITED: GrpcStatus.RESOURCE_EXHAUSTED,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  INTERNAL: GrpcStatus.INTERNAL,
};

const internalError = (cause: unknown) =>
  new AppError('INTERNAL', 'Internal server error', 'INTERNAL', undefined, { cause });

/** Server side: anything a handler threw, as an AppError. Unknown throws become a generic INTERNAL. */
export function normalizeError(error: unknown): AppError {
  if (isAppError(error)) return error.kind === 'INTERNAL' ? internalError(error) : error;
  if (error instanceof ZodError) {
    const details: FieldIssue[] = error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || 'request',
      message: issue.message,
    }));
    const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
    return new AppError('BAD_INPUT', `Invalid request: ${fields}`, 'VALIDATION_FAILED', details);
  }
  if (isConnectionFailure(error)) return new AppError('UNAVAILABLE', 'A dependency is unavailable', 'DEPENDENCY_UNAVAILABLE');
  return internalError(error);
}

/** Server side: the status to send. INTERNAL always carries a generic message, never the cause. */
export function toGrpcStatus(error: AppError): Partial<StatusObject> & { code: GrpcStatus; details: string } {
  const metadata = new Metadata();
  if (/^[ -~]{1,128}$/.test(error.code)) metadata.set(errorCodeKey, error.code);
  if (error.details?.length) metadata.set(errorDetailsKey, Buffer.from(JSON.stringify(error.details)));
  return { code: statusByKind[error.kind], details: error.message, metadata };
}

export interface GrpcErrorContext {
  /** Who we called, for the message: "doctor is unavailable". */
  peer: string;
  /** The method path, e.g. /doctor.v1.DoctorService/CheckAvailability (kept in `cause`, logs). */
  method?: string;
  deadlineMs?: number;
  /** An unknown id in a path is a 404; an unknown id in a body (e.g. a booking's doctorId) is a 422. */
  notFoundAs?: 'NOT_FOUND' | 'UNPROCESSABLE';
}

export const isServiceError = (error: unknown): error is ServiceError =>
  error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;

/** Caller side: a failed call as an AppError. A peer that is down or slow is always a 503. */
export function fromGrpcError(error: unknown, context: GrpcErrorContext): AppError {
  const { peer } = context;
  if (!isServiceError(error)) return new AppError('INTERNAL', `Call to ${peer} failed`, 'DEPENDENCY_FAILED', undefined, { cause: error });
  const passOn = (kind: ErrorKind) => new AppError(kind, error.details, remoteCode(error) ?? kind, remoteDetails(error), { cause: error });
  switch (error.code) {
    case GrpcStatus.NOT_FOUND:
      return passOn(context.notFoundAs ?? 'NOT_FOUND');
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
      return passOn('BAD_INPUT');
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
      return passOn('CONFLICT');
    case GrpcStatus.FAILED_PRECONDITION:
      return passOn('UNPROCESSABLE');
    case GrpcStatus.PERMISSION_DENIED:
      return passOn('FORBIDDEN');
    case GrpcStatus.UNAUTHENTICATED:
      return passOn('UNAUTHENTICATED');
    case GrpcStatus.DEADLINE_EXCEEDED: {
      const within = context.deadlineMs === undefined ? 'in time' : `within ${context.deadlineMs} ms`;
      return new AppError('UNAVAILABLE', `${peer} did not answer ${within}`, 'DEPENDENCY_TIMEOUT', undefined, { cause: error });
    }
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.CANCELLED:
    case GrpcStatus.RESOURCE_EXHAUSTED:
      // The transport detail (addresses, errno) stays in `cause` for the logs, not in the answer.
      return new AppError('UNAVAILABLE', `${peer} is unavailable`, 'DEPENDENCY_UNAVAILABLE', undefined, { cause: error });
    default:
      // UNKNOWN, INTERNAL, UNIMPLEMENTED, DATA_LOSS: a bug on one side, not an outage.
      return new AppError('INTERNAL', `Call to ${peer} failed`, 'DEPENDENCY_FAILED', undefined, { cause: error });
  }
}

function remoteCode(error: ServiceError): string | undefined {
  const [value] = error.metadata?.get(errorCodeKey) ?? [];
  return typeof value === 'string' && value ? value : undefined;
}

function remoteDetails(error: ServiceError): FieldIssue[] | undefined {
  const [value] = error.metadata?.get(errorDetailsKey) ?? [];
  if (!Buffer.isBuffer(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (!Array.isArray(parsed)) return undefined;
    return parsed.filter(
      (issue): issue is FieldIssue => typeof issue?.field === 'string' && typeof issue?.message === 'string',
    );
  } catch {
    return undefined;
  }
}
