import { principalOf } from '@pms/platform';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/context.js';

export const actorOf = (request: FastifyRequest): Actor => ({ principal: principalOf(request), requestId: String(request.id) });
