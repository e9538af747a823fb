import {
  AppointmentType,
  AppointmentTypeInput,
  AppointmentTypeList,
  AppointmentTypeListQuery,
  IdParams,
  SchedulingPolicy,
} from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import { createType, deleteType, getType, listTypes, replaceType } from '../domain/appointment-types.js';
import type { AppointmentsContext } from '../domain/context.js';
import { getPolicy, putPolicy } from '../domain/policy.js';

/** Appointment types and the booking policy: admins write, every role reads. */
export function schedulingRoutes(app: ServiceInstance, ctx: AppointmentsContext): void {
  const tags = ['scheduling'];
  app.get(
    '/api/appointment-types',
    {
      schema: {
        tags,
        summary: 'Appointment types (not deleted), by name',
        querystring: AppointmentTypeListQuery,
        response: { 200: AppointmentTypeList },
      },
    },
    async (request) => listTypes(ctx, actorOf(request), request.query),
  );
  app.post(
    '/api/appointment-types',
    {
      schema: {
        tags,
        summary: 'Create an appointment type (admin)',
        body: AppointmentTypeInput,
        response: { 201: AppointmentType },
      },
    },
    async (request, reply) => {
      const type = await createType(ctx, actorOf(request), request.body);
      return reply.code(201).header('location', `/api/appointment-types/${type.id}`).send(type);
    },
  );
  app.get(
    '/api/appointment-types/:id',
    { schema: { tags, summary: 'One appointment type', params: IdParams, response: { 200: AppointmentType } } },
    async (request) => getType(ctx, actorOf(request), request.params.id),
  );
  app.put(
    '/api/appointment-types/:id',
    {
      schema: {
        tags,
        summary: 'Replace an appointment type (admin); booked appointments keep their times and price',
        params: IdParams,
        body: AppointmentTypeInput,
        response: { 200: AppointmentType },
      },
    },
    async (request) => replaceType(ctx, actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/appointment-types/:id',
    {
      schema: {
        tags,
        summary: 'Delete an appointment type (admin); no longer listed or bookable',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteType(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/scheduling/policy',
    { schema: { tags, summary: 'The booking policy that binds patient users', response: { 200: SchedulingPolicy } } },
    async (request) => getPolicy(ctx, actorOf(request)),
  );
  app.put(
    '/api/scheduling/policy',
    {
      schema: {
        tags,
        summary: 'Replace the booking policy (admin)',
        body: SchedulingPolicy,
        response: { 200: SchedulingPolicy },
      },
    },
    async (request) => putPolicy(ctx, actorOf(request), request.body),
  );
}
