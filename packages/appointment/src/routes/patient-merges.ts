import { AppointmentMergeBody, AppointmentMergeResult } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import type { AppointmentsContext } from '../domain/context.js';
import { mergePatientAppointments } from '../domain/patient-merges.js';

export function patientMergeRoutes(app: ServiceInstance, ctx: AppointmentsContext): void {
  app.post(
    '/api/appointments/patient-merges',
    {
      schema: {
        tags: ['appointments'],
        summary: "Move a duplicate patient's appointments to the survivor (staff, admin; patient's merge calls it)",
        description:
          '409 APPOINTMENTS_OVERLAP, with each clash in details and nothing moved, when an active appointment of one ' +
          'overlaps one of the other. Afterwards a booking for the duplicate is a booking for the survivor.',
        body: AppointmentMergeBody,
        response: { 200: AppointmentMergeResult },
      },
    },
    async (request) => mergePatientAppointments(ctx, actorOf(request), request.body),
  );
}
