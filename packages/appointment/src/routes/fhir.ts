import { dateRange } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { fhirResource, inPatientCompartment, registerFhir, type FhirSearch } from '@pms/platform/fhir';
import type { AppointmentFilter } from '../db/appointments.js';
import { appointmentNotFound } from '../domain/access.js';
import { bookAppointment } from '../domain/booking.js';
import { changeAppointment } from '../domain/changes.js';
import type { AppointmentsContext } from '../domain/context.js';
import { findAppointmentsFor, getAppointment } from '../domain/queries.js';
import { FhirAppointmentInput, statusOfFhir, toFhirAppointment } from '../fhir/appointment.js';
import { bookingOf, changeOf } from '../fhir/appointment-request.js';

const nothing = { rows: [], total: 0 };

/** An open end of the `date` range is the bound of the years inputs allow (contracts' dateRange, as platform's search dates). */
const earliest = Date.UTC(dateRange.earliestYear, 0, 1);
const latest = Date.UTC(dateRange.latestYear + 1, 0, 1);

/** The search as our filter; undefined when it can match nothing (an id that is no UUID, a status we never have, an empty date range). */
function filterOf(search: FhirSearch): AppointmentFilter | undefined {
  const patientId = search.referenceUuid('patient', 'Patient');
  const doctorId = search.referenceUuid('practitioner', 'Practitioner');
  const statuses = search.anyOf('status')?.flatMap((status) => statusOfFhir(status) ?? []);
  const { atLeast, before } = search.dateRange('date');
  const [from, to] = [atLeast?.getTime() ?? earliest, before?.getTime() ?? latest];
  if (patientId === null || doctorId === null || statuses?.length === 0 || from >= to) return undefined;
  return {
    patientId,
    doctorId,
    statuses,
    from: new Date(from),
    to: new Date(to),
  };
}

/**
 * Appointment over FHIR, through the JSON API's use cases: create books, update is one lifecycle
 * step (see fhir/appointment-request.ts), read and search follow the same access rules, except
 * that to a patient user someone else's appointment does not exist (404, an empty search).
 */
const appointment = (ctx: AppointmentsContext) =>
  fhirResource({
    type: 'Appointment',
    searchParams: {
      patient: { type: 'reference', description: 'The patient (Patient/<id>); required for patient users', target: ['Patient'] },
      practitioner: { type: 'reference', description: 'The doctor (Practitioner/<id>)', target: ['Practitioner'] },
      date: { type: 'date', description: 'Start of the appointment: eq, ge, gt, le, lt (repeat to bound both ends)' },
      status: { type: 'token', description: 'booked, arrived, fulfilled, cancelled, noshow (comma-separated: any of them)' },
    },
    input: FhirAppointmentInput,
    read: async (request, id) => {
      const actor = actorOf(request);
      return toFhirAppointment(await inPatientCompartment(actor, getAppointment(ctx, actor, id), () => { throw appointmentNotFound(id); }));
    },
    search: async (request, search) => {
      const actor = actorOf(request);
      const filter = filterOf(search);
      const page = { limit: search.count, offset: search.offset };
      if (!filter) return { resources: [], total: 0 };
      // Without a patient, a patient user gets the JSON API's 403: their search must name their record.
      const found = filter.patientId
        ? await inPatientCompartment(actor, findAppointmentsFor(ctx, actor, filter, page), () => nothing)
        : await findAppointmentsFor(ctx, actor, filter, page);
      return { resources: found.rows.map(toFhirAppointment), total: found.total };
    },
    create: async (request, resource) => toFhirAppointment(await bookAppointment(ctx, actorOf(request), bookingOf(resource))),
    update: async (request, id, resource, expectedVersion) => {
      const actor = actorOf(request);
      const current = await inPatientCompartment(actor, getAppointment(ctx, actor, id), () => { throw appointmentNotFound(id); });
      return toFhirAppointment(await changeAppointment(ctx, actor, current, changeOf(current, resource), expectedVersion));
    },
  });

/** The FHIR API of the appointment service: /fhir/R4/Appointment and its /metadata. */
export const registerAppointmentFhir = (app: ServiceInstance, ctx: AppointmentsContext) =>
  registerFhir(app, { name: 'appointment', version: '0.1.0' }, [appointment(ctx)]);
