import { IdParams, WaitlistEntry, WaitlistInput, WaitlistListQuery, WaitlistPage } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import type { AppointmentsContext } from '../domain/context.js';
import { joinWaitlist, leaveWaitlist, listWaitlist } from '../domain/waitlist.js';

export function waitlistRoutes(app: ServiceInstance, ctx: AppointmentsContext): void {
  const tags = ['waitlist'];
  app.post(
    '/api/waitlist',
    {
      schema: {
        tags,
        summary: 'Wait for a freed slot of a doctor in [from, to) (staff, admin, or the patient for themselves)',
        body: WaitlistInput,
        response: { 201: WaitlistEntry },
      },
    },
    async (request, reply) => reply.code(201).send(await joinWaitlist(ctx, actorOf(request), request.body)),
  );
  app.get(
    '/api/waitlist',
    {
      schema: {
        tags,
        summary: 'Waitlist entries, oldest first (a patient: their own, by patientId)',
        querystring: WaitlistListQuery,
        response: { 200: WaitlistPage },
      },
    },
    async (request) => listWaitlist(ctx, actorOf(request), request.query),
  );
  app.delete(
    '/api/waitlist/:id',
    {
      schema: { tags, summary: 'Leave the waitlist', params: IdParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await leaveWaitlist(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
