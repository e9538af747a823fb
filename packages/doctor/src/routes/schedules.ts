import {
  Availability,
  AvailabilityQuery,
  IdParams,
  Schedule,
  ScheduleInput,
  TimeOff,
  TimeOffInput,
  TimeOffList,
  TimeOffParams,
  TimeOffQuery,
} from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import { freeSlots } from '../domain/availability.js';
import type { DoctorContext } from '../domain/context.js';
import { addTimeOff, getSchedule, listDoctorTimeOff, removeTimeOff, replaceSchedule } from '../domain/schedules.js';

/** Weekly schedule, time off and free slots of one doctor. */
export function registerScheduleRoutes(app: ServiceInstance, ctx: DoctorContext) {
  app.get(
    '/api/doctors/:id/schedule',
    { schema: { summary: 'The doctor’s weekly working hours', params: IdParams, response: { 200: Schedule } } },
    async (request) => getSchedule(ctx, request.params.id),
  );

  app.put(
    '/api/doctors/:id/schedule',
    {
      schema: {
        summary: 'Replace the weekly working hours, time zone and slot length (admin)',
        params: IdParams,
        body: ScheduleInput,
        response: { 200: Schedule },
      },
    },
    async (request) => replaceSchedule(ctx, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/doctors/:id/time-off',
    {
      schema: {
        summary: 'The doctor’s time off (optionally only what overlaps [from, to))',
        params: IdParams,
        querystring: TimeOffQuery,
        response: { 200: TimeOffList },
      },
    },
    async (request) => listDoctorTimeOff(ctx, request.params.id, request.query),
  );

  app.post(
    '/api/doctors/:id/time-off',
    {
      schema: {
        summary: 'Add time off (admin)',
        params: IdParams,
        body: TimeOffInput,
        response: { 201: TimeOff },
      },
    },
    async (request, reply) => reply.code(201).send(await addTimeOff(ctx, actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/api/doctors/:id/time-off/:timeOffId',
    {
      schema: {
        summary: 'Remove time off (admin)',
        params: TimeOffParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removeTimeOff(ctx, actorOf(request), request.params.id, request.params.timeOffId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/doctors/:id/availability',
    {
      schema: {
        summary:
          'Free slots in [from, to): working hours minus time off, booked slots and the past; by appointment type; for patients within the booking policy',
        params: IdParams,
        querystring: AvailabilityQuery,
        response: { 200: Availability },
      },
    },
    async (request) =>
      freeSlots(ctx, actorOf(request), request.params.id, {
        from: new Date(request.query.from),
        to: new Date(request.query.to),
        appointmentTypeId: request.query.appointmentTypeId,
      }),
  );
}
