import {
  Appointment,
  AppointmentListQuery,
  AppointmentPage,
  BookAppointmentBody,
  BookSeriesBody,
  CancelAppointmentBody,
  CancelSeriesBody,
  IdParams,
  RescheduleAppointmentBody,
  Series,
  SeriesParams,
} from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { bookAppointment, rescheduleAppointment } from '../domain/booking.js';
import type { AppointmentsContext } from '../domain/context.js';
import { bookSeries, cancelSeries } from '../domain/series.js';
import { getAppointment, listAppointments } from '../domain/queries.js';
import { cancelAppointment, checkInAppointment, completeAppointment, markNoShow } from '../domain/transitions.js';
import { toAppointment } from '../domain/views.js';

const tags = ['appointments'];

export function appointmentRoutes(app: ServiceInstance, ctx: AppointmentsContext): void {
  app.post(
    '/api/appointments',
    {
      schema: {
        tags,
        summary: 'Book an appointment (staff, admin, or a patient for themselves)',
        body: BookAppointmentBody,
        response: { 201: Appointment },
      },
    },
    async (request, reply) => {
      const appointment = toAppointment(await bookAppointment(ctx, actorOf(request), request.body));
      return reply.code(201).header('location', `/api/appointments/${appointment.id}`).send(appointment);
    },
  );

  app.post(
    '/api/appointments/series',
    {
      schema: {
        tags,
        summary: 'Book a recurring series, all or nothing (409 lists every occurrence that cannot be booked)',
        body: BookSeriesBody,
        response: { 201: Series },
      },
    },
    async (request, reply) => reply.code(201).send(await bookSeries(ctx, actorOf(request), request.body)),
  );

  app.post(
    '/api/appointments/series/:seriesId/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel the remaining occurrences of a series (or those from `from` on)',
        params: SeriesParams,
        body: CancelSeriesBody.nullish(),
        response: { 200: Series },
      },
    },
    async (request) => cancelSeries(ctx, actorOf(request), request.params.seriesId, request.body ?? {}),
  );

  app.get(
    '/api/appointments',
    {
      schema: {
        tags,
        summary: 'List appointments: everything for staff and admins, their own for doctors and patients',
        querystring: AppointmentListQuery,
        response: { 200: AppointmentPage },
      },
    },
    async (request) => listAppointments(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/appointments/:id',
    {
      schema: {
        tags,
        summary: 'Read one appointment (403 when it is not the caller’s)',
        params: IdParams,
        response: { 200: Appointment },
      },
    },
    async (request) => toAppointment(await getAppointment(ctx, actorOf(request), request.params.id)),
  );

  app.post(
    '/api/appointments/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a BOOKED appointment (staff, admin, or the patient within the policy); frees the slot',
        params: IdParams,
        // No body at all is fine: Fastify hands the validator null then.
        body: CancelAppointmentBody.nullish(),
        response: { 200: Appointment },
      },
    },
    async (request) => toAppointment(await cancelAppointment(ctx, actorOf(request), request.params.id, request.body ?? {})),
  );

  app.post(
    '/api/appointments/:id/reschedule',
    {
      schema: {
        tags,
        summary: 'Move a BOOKED appointment (staff, admin, or the patient); same checks as booking',
        params: IdParams,
        body: RescheduleAppointmentBody,
        response: { 200: Appointment },
      },
    },
    async (request) => toAppointment(await rescheduleAppointment(ctx, actorOf(request), request.params.id, request.body)),
  );

  const attendance = [
    ['check-in', 'Check in a BOOKED appointment', checkInAppointment],
    ['complete', 'Complete a CHECKED_IN appointment', completeAppointment],
    ['no-show', 'Mark a BOOKED appointment as a no-show', markNoShow],
  ] as const;
  for (const [path, summary, step] of attendance) {
    app.post(
      `/api/appointments/:id/${path}`,
      {
        schema: {
          tags,
          summary: `${summary} (staff, admin, or the appointment’s doctor)`,
          params: IdParams,
          response: { 200: Appointment },
        },
      },
      async (request) => toAppointment(await step(ctx, actorOf(request), request.params.id)),
    );
  }
}
