import { Doctor, DoctorInput, DoctorListQuery, DoctorPage, IdParams } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import type { DoctorContext } from '../domain/context.js';
import { createDoctor, deactivateDoctor, getDoctor, listDoctors, replaceDoctor } from '../domain/doctors.js';

/** The doctor directory: reads for any role, writes for admins (checked in the domain). */
export function registerDoctorRoutes(app: ServiceInstance, ctx: DoctorContext) {
  app.get(
    '/api/doctors',
    {
      schema: {
        summary: 'List doctors (filter by specialty, active, q on name or email)',
        querystring: DoctorListQuery,
        response: { 200: DoctorPage },
      },
    },
    async (request) => listDoctors(ctx, request.query),
  );

  app.post(
    '/api/doctors',
    { schema: { summary: 'Create a doctor (admin)', body: DoctorInput, response: { 201: Doctor } } },
    async (request, reply) => reply.code(201).send(await createDoctor(ctx, actorOf(request), request.body)),
  );

  app.get(
    '/api/doctors/:id',
    { schema: { summary: 'One doctor', params: IdParams, response: { 200: Doctor } } },
    async (request) => getDoctor(ctx, request.params.id),
  );

  app.put(
    '/api/doctors/:id',
    {
      schema: {
        summary: 'Replace a doctor’s details (admin)',
        params: IdParams,
        body: DoctorInput,
        response: { 200: Doctor },
      },
    },
    async (request) => replaceDoctor(ctx, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/doctors/:id',
    {
      schema: {
        summary: 'Deactivate a doctor (admin): the record stays, with active false, and takes no new bookings',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deactivateDoctor(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
