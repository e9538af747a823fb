import { principalOf } from '@pms/platform';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../domain/doctors.js';

/** The verified principal and the request id the change's events carry. */
export const callerOf = (request: FastifyRequest): Caller => ({ principal: principalOf(request), requestId: String(request.id) });
