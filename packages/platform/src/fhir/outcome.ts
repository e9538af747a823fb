import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { AppError, ErrorKind } from '../errors.js';

/** The FHIR issue type (http://hl7.org/fhir/issue-type) each kind of our one error model is. */
const issueCodeByKind: Record<ErrorKind, OperationOutcomeIssue['code']> = {
  BAD_INPUT: 'invalid',
  UNAUTHENTICATED: 'login',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not-found',
  NOT_ACCEPTABLE: 'not-supported',
  REQUEST_TIMEOUT: 'timeout',
  CONFLICT: 'conflict',
  PRECONDITION_FAILED: 'conflict',
  PAYLOAD_TOO_LARGE: 'too-costly',
  UNPROCESSABLE: 'processing',
  RATE_LIMITED: 'throttled',
  UNAVAILABLE: 'transient',
  INTERNAL: 'exception',
};

/**
 * An AppError as a FHIR OperationOutcome: the one mapping, used by platform's error handler for
 * every request under /fhir/ (http/error-handler.ts) and by the gateway for upstream failures.
 * Each field issue becomes an issue whose `expression` names the element (`Patient.name[0].family`,
 * or the search parameter); our stable code and the request id go into `diagnostics`.
 */
export function operationOutcomeOf(error: AppError, requestId?: string): OperationOutcome {
  const code = issueCodeByKind[error.kind];
  const severity = error.statusCode >= 500 ? 'fatal' : 'error';
  const diagnostics = requestId === undefined ? error.code : `${error.code} (request ${requestId})`;
  const issue: OperationOutcomeIssue[] = error.details?.length
    ? error.details.map((detail) => ({
        severity,
        code,
        details: { text: `${detail.field}: ${detail.message}` },
        diagnostics,
        expression: [fhirPathOf(detail.field)],
      }))
    : [{ severity, code, details: { text: error.message }, diagnostics }];
  return { resourceType: 'OperationOutcome', issue };
}

/** `name.0.family` (a zod or JSON path) as FHIRPath: `name[0].family`. */
export function fhirPathOf(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}
