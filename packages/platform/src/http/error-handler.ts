import type { ErrorResponse } from '@pms/contracts/http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { STATUS_CODES } from 'node:http';
import { AppError, errorKinds, isAppError, isConnectionFailure, type FieldIssue } from '../errors.js';
import { fhirContentTypeHeader, isFhirPath } from '../fhir/format.js';
import { operationOutcomeOf } from '../fhir/outcome.js';

/** The one place HTTP answers an error: always the ErrorResponse shape, never a stack. */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The client hung up (e.g. a load generator stopping): nobody to answer, nothing broken here.
    if (reply.raw.destroyed) {
      request.log.info({ code: error.code }, 'client closed the connection');
      return reply;
    }
    const appError = toAppError(error);
    if (appError.statusCode >= 500 && appError.kind !== 'UNAVAILABLE') {
      request.log.error({ err: error }, 'request failed');
    } else if (appError.kind === 'UNAVAILABLE') {
      request.log.warn({ err: error }, appError.message);
    }
    return sendError(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new AppError('NOT_FOUND', `Route ${request.method} ${request.url} not found`, 'ROUTE_NOT_FOUND')),
  );
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  // FHIR clients get the same error as an OperationOutcome (FHIR http.html#errors), whoever raised it.
  if (isFhirPath(request.url)) {
    return reply.code(error.statusCode).type(fhirContentTypeHeader).send(operationOutcomeOf(error, String(request.id)));
  }
  const body: ErrorResponse = {
    statusCode: error.statusCode,
    error: STATUS_CODES[error.statusCode] ?? 'Error',
    message: error.message,
    code: error.code,
    requestId: String(request.id),
    ...(error.details ? { details: error.details } : {}),
  };
  return reply.code(error.statusCode).type('application/json').send(body);
}

function toAppError(error: FastifyError): AppError {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details: FieldIssue[] = error.validation.map((issue) => ({
      field: fieldName(error.validationContext, issue.instancePath),
      message: issue.message ?? 'is invalid',
    }));
    const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
    return new AppError('BAD_INPUT', `Invalid ${error.validationContext ?? 'request'}: ${fields}`, 'VALIDATION_FAILED', details);
  }
  if (isResponseSerializationError(error)) return new AppError('INTERNAL', 'Internal server error', 'INTERNAL');
  if (isConnectionFailure(error)) return new AppError('UNAVAILABLE', 'A dependency is unavailable', 'DEPENDENCY_UNAVAILABLE');
  const status = error.statusCode ?? 500;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large', 'PAYLOAD_TOO_LARGE');
  if (status === 429) return new AppError('RATE_LIMITED', error.message, 'RATE_LIMITED');
  if (status >= 400 && status < 500) {
    const kind = (Object.keys(errorKinds) as (keyof typeof errorKinds)[]).find((k) => errorKinds[k] === status);
    if (kind && kind !== 'BAD_INPUT') return new AppError(kind, error.message, error.code ?? 'BAD_REQUEST');
    // Fastify's own 400s (unparsable body, undecodable URL, a path parameter over maxParamLength: 414,
    // a proxied path leaving its prefix) name no field; a client must still learn what to fix.
    const details = [{ field: partAtFault(error), message: error.message }];
    return new AppError('BAD_INPUT', error.message, error.code ?? 'BAD_REQUEST', details);
  }
  return new AppError('INTERNAL', 'Internal server error', 'INTERNAL');
}

/** Which part of the request a framework 400 is about: the body, the path, or the request as a whole. */
function partAtFault(error: FastifyError): string {
  if (error.code?.startsWith('FST_ERR_CTP_')) return 'body';
  // FST_ERR_BAD_URL: undecodable percent-encoding; @fastify/reply-from refuses `..` segments without a code.
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH' || /invalid characters/.test(error.message)) {
    return 'path';
  }
  return 'request';
}

/**
 * Fastify answers some errors before any route or hook (today an undecodable URL) through the
 * `frameworkErrors` option, not the error handler: this gives them the one error shape too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendError(request, reply, toAppError(error));
}

function fieldName(context: string | undefined, instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return path || (context ?? 'body');
}

