import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AppError, conflict, forbidden, unauthenticated, unavailable, unprocessable } from '../src/errors.js';
import { fromGrpcError, normalizeError, toGrpcStatus } from '../src/grpc/index.js';

const serviceError = (code: status, details = 'peer said so'): ServiceError =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });

describe('AppError → gRPC status (server side)', () => {
  it.each([
    [conflict('taken'), status.ALREADY_EXISTS],
    [unprocessable('illegal'), status.FAILED_PRECONDITION],
    [forbidden(), status.PERMISSION_DENIED],
    [unauthenticated(), status.UNAUTHENTICATED],
    [unavailable('db down'), status.UNAVAILABLE],
  ])('%s → %s', (error, code) => {
    expect(toGrpcStatus(error)).toMatchObject({ code, details: error.message });
  });

  it('turns unknown throws and INTERNAL AppErrors into a generic INTERNAL', () => {
    for (const thrown of [new TypeError('x is undefined'), new AppError('INTERNAL', 'secret detail'), 'a string']) {
      expect(toGrpcStatus(normalizeError(thrown))).toMatchObject({ code: status.INTERNAL, details: 'Internal server error' });
    }
  });

  it('turns a database that is down (even wrapped by drizzle) into UNAVAILABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });
    const wrapped = new Error('Failed query: select 1', { cause: refused });
    expect(toGrpcStatus(normalizeError(wrapped))).toMatchObject({ code: status.UNAVAILABLE });
  });
});

describe('gRPC status → AppError (caller side)', () => {
  const peer = { peer: 'billing', deadlineMs: 800 };
  it.each([
    [status.DEADLINE_EXCEEDED, 'UNAVAILABLE', 'billing did not answer within 800 ms'],
    [status.UNAVAILABLE, 'UNAVAILABLE', 'billing is unavailable'],
    [status.CANCELLED, 'UNAVAILABLE', 'billing is unavailable'],
    [status.RESOURCE_EXHAUSTED, 'UNAVAILABLE', 'billing is unavailable'],
    [status.ALREADY_EXISTS, 'CONFLICT', 'peer said so'],
    [status.FAILED_PRECONDITION, 'UNPROCESSABLE', 'peer said so'],
    [status.PERMISSION_DENIED, 'FORBIDDEN', 'peer said so'],
    [status.UNIMPLEMENTED, 'INTERNAL', 'Call to billing failed'],
    [status.UNKNOWN, 'INTERNAL', 'Call to billing failed'],
  ])('%s → %s', (code, kind, message) => {
    const error = fromGrpcError(serviceError(code), peer);
    expect(error).toMatchObject({ kind, message });
    expect(error.cause).toMatchObject({ code });
  });

  it('anything that is not a ServiceError is INTERNAL', () => {
    expect(fromGrpcError(new Error('serialize failed'), peer)).toMatchObject({ kind: 'INTERNAL', code: 'DEPENDENCY_FAILED' });
  });
});
