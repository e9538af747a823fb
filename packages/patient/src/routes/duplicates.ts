import { DuplicatePairPage, DuplicatePairQuery, IdParams, NotDuplicateBody, PatientMergeBody, PatientMergeResult, PossibleDuplicates } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import type { PatientContext } from '../domain/context.js';
import { duplicatePairs, markNotDuplicates, possibleDuplicates } from '../domain/duplicates.js';
import { mergePatients } from '../domain/merge.js';

const tags = ['patients'];

export function duplicateRoutes(app: ServiceInstance, ctx: PatientContext) {
  // A static path: find-my-way matches it before /api/patients/:id whatever the registration order.
  app.get(
    '/api/patients/duplicates',
    {
      schema: {
        tags,
        summary: 'Likely duplicate pairs across the clinic, best first, with reasons (staff, admin)',
        querystring: DuplicatePairQuery,
        response: { 200: DuplicatePairPage },
      },
    },
    async (request) => duplicatePairs(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/patients/:id/duplicates',
    {
      schema: {
        tags,
        summary: 'Likely duplicates of a record, best first, with reasons: same email or phone, similar name, same birth date (staff, admin)',
        params: IdParams,
        response: { 200: PossibleDuplicates },
      },
    },
    async (request) => possibleDuplicates(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/api/patients/:id/not-duplicates',
    {
      schema: {
        tags,
        summary: 'Mark a pair "not a duplicate": it is no longer suggested (staff, admin)',
        params: IdParams,
        body: NotDuplicateBody,
        response: { 204: z.null().describe('Marked') },
      },
    },
    async (request, reply) => {
      await markNotDuplicates(ctx, actorOf(request), request.params.id, request.body.otherId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/patients/:id/merge',
    {
      schema: {
        tags,
        summary: 'Merge a duplicate into this record (staff, admin)',
        description:
          'The record at :id survives; `duplicateId` becomes a tombstone that reads as the survivor. `keep` picks each field ' +
          "from the survivor (default) or the duplicate. appointment moves the duplicate's appointments first: an overlap " +
          'is a 409 APPOINTMENTS_OVERLAP naming the clashes, with nothing merged. Merging an already merged pair again changes nothing (merged: false).',
        params: IdParams,
        body: PatientMergeBody,
        response: { 200: PatientMergeResult },
      },
    },
    async (request) => mergePatients(ctx, actorOf(request), request.params.id, request.body, request.headers.authorization ?? ''),
  );
}
