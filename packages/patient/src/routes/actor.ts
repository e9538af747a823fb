import { principalOf } from '@pms/platform';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.js';

/** The verified caller and the request id, as the domain wants them. */
export const actorOf = (request: FastifyRequest): Actor => ({ principal: principalOf(request), requestId: String(request.id) });
