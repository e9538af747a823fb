import { Doctor, DoctorInput, DoctorListQuery, DoctorPage, IdParams } from '@pms/contracts';
import type { ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import type { Doctors } from '../domain/doctors.js';
import { callerOf } from './caller.js';

/** The doctor directory: reads for any role, writes for admins (checked in the domain). */
export function registerDoctorRoutes(app: ServiceInstance, doctors: Doctors) {
  app.get(
    '/api/doctors',
    {
      schema: {
        summary: 'List doctors (filter by specialty, active, q on name or email)',
        querystring: DoctorListQuery,
        response: { 200: DoctorPage },
      },
    },
    async (request) => doctors.list(request.query),
  );

  app.post(
    '/api/doctors',
    { schema: { summary: 'Create a doctor (admin)', body: DoctorInput, response: { 201: Doctor } } },
    async (request, reply) => reply.code(201).send(await doctors.create(callerOf(request), request.body)),
  );

  app.get(
    '/api/doctors/:id',
    { schema: { summary: 'One doctor', params: IdParams, response: { 200: Doctor } } },
    async (request) => doctors.get(request.params.id),
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
    async (request) => doctors.update(callerOf(request), request.params.id, request.body),
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
      await doctors.deactivate(callerOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
