import { ErrorResponse } from '@pms/contracts';
import { principalOf } from '@pms/platform';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/context.js';

export const actorOf = (request: FastifyRequest): Actor => ({ principal: principalOf(request), requestId: String(request.id) });

/** The error answers a route documents in OpenAPI (all in the one error shape). */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, ErrorResponse]));
