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
import type { ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import type { Availability as AvailabilityService } from '../domain/availability.js';
import type { Schedules } from '../domain/schedules.js';
import { callerOf } from './caller.js';

/** Weekly schedule, time off and free slots of one doctor. */
export function registerScheduleRoutes(app: ServiceInstance, schedules: Schedules, availability: AvailabilityService) {
  app.get(
    '/api/doctors/:id/schedule',
    { schema: { summary: 'The doctor’s weekly working hours', params: IdParams, response: { 200: Schedule } } },
    async (request) => schedules.get(request.params.id),
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
    async (request) => schedules.replace(callerOf(request), request.params.id, request.body),
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
    async (request) => schedules.listTimeOff(request.params.id, request.query),
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
    async (request, reply) => reply.code(201).send(await schedules.addTimeOff(callerOf(request), request.params.id, request.body)),
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
      await schedules.removeTimeOff(callerOf(request), request.params.id, request.params.timeOffId);
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
      availability.freeSlots(request.params.id, new Date(request.query.from), new Date(request.query.to), {
        appointmentTypeId: request.query.appointmentTypeId,
        forPatient: callerOf(request).principal.role === 'patient',
      }),
  );
}
