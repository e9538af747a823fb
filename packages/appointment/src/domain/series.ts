import type { Appointment, BookSeriesBody, CancelSeriesBody, Recurrence, Series } from '@pms/contracts';
import { AppError, badInput, isAppError, notFound, requireRole, unprocessable, type Actor, type FieldIssue } from '@pms/platform/domain';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { cancelSeriesAnnounced } from '../db/announced.js';
import { findBusyRanges, findSeries, insertAppointmentsWithEvents } from '../db/appointments.js';
import { newEvent } from '../db/outbox.js';
import { assertOwnsPatient, authorizeAppointment, rolesFor } from './access.js';
import { assertTypeSuitsDoctor, resolveVisit } from './appointment-types.js';
import { rangeOf, snapshotColumns, visitColumns } from './booking.js';
import type { AppointmentsContext } from './context.js';
import { bookingRefusal, policyFor } from './policy.js';
import { withResources } from './resources.js';
import { snapshotOf, toAppointment } from './views.js';

export type SeriesInput = z.infer<typeof BookSeriesBody>;
export type CancelSeriesInput = z.infer<typeof CancelSeriesBody>;

const maxOccurrences = 52;
const units = { DAILY: 'days', WEEKLY: 'weeks', MONTHLY: 'months' } as const;

/**
 * The starts of a series. Counted from the first start in the doctor's time zone, so every
 * occurrence keeps its wall-clock time across daylight-saving changes (09:00 stays 09:00; the UTC
 * instant moves). A monthly series on the 31st lands on the last day of shorter months.
 */
export function occurrenceStarts(first: Date, timeZone: string, recurrence: Recurrence): Date[] {
  const origin = DateTime.fromJSDate(first, { zone: timeZone });
  const until = recurrence.until ? Date.parse(recurrence.until) : Number.POSITIVE_INFINITY;
  const wanted = recurrence.count ?? maxOccurrences + 1;
  const starts: Date[] = [];
  for (let step = 0; starts.length < wanted; step += 1) {
    const at = origin.plus({ [units[recurrence.frequency]]: step * recurrence.interval });
    if (at.toMillis() > until) break;
    starts.push(at.toJSDate());
  }
  if (starts.length > maxOccurrences) {
    throw badInput(`A series has at most ${maxOccurrences} occurrences`, [
      { field: 'recurrence.until', message: `gives more than ${maxOccurrences} occurrences` },
    ]);
  }
  return starts;
}

const issue = (index: number, startsAt: Date, why: string): FieldIssue => ({
  field: `occurrences[${index}]`,
  message: `${startsAt.toISOString()}: ${why}`,
});

/**
 * Books every occurrence or none. Each is checked like a single booking (policy for patients,
 * doctor's schedule, existing appointments); any problem is a 409 (422 for the policy) listing
 * every failing occurrence and why. The rows and their events go in in one transaction.
 */
export async function bookSeries(ctx: AppointmentsContext, actor: Actor, input: SeriesInput): Promise<Series> {
  requireRole(actor.principal, ...rolesFor.book);
  const { requestId } = actor;
  const [visit, policy, patient, doctor] = await Promise.all([
    resolveVisit(ctx, input),
    policyFor(ctx, actor.principal),
    ctx.peers.getPatient(input.patientId, requestId),
    ctx.peers.getDoctor(input.doctorId, requestId),
  ]);
  if (!patient) throw unprocessable(`Patient ${input.patientId} does not exist`, 'UNKNOWN_PATIENT');
  assertOwnsPatient(actor.principal, patient);
  if (!doctor) throw unprocessable(`Doctor ${input.doctorId} does not exist`, 'UNKNOWN_DOCTOR');
  assertTypeSuitsDoctor(visit, doctor.specialty);

  const ranges = occurrenceStarts(new Date(input.startsAt), doctor.timeZone, input.recurrence).map((start) => rangeOf(start, visit));
  if (policy) {
    const now = ctx.now();
    const refused = ranges.flatMap((range, index) => {
      const refusal = bookingRefusal(policy, range.startsAt, now);
      return refusal ? [{ refusal, detail: issue(index, range.startsAt, refusal) }] : [];
    });
    if (refused[0]) {
      throw new AppError('UNPROCESSABLE', 'Occurrences of the series break the booking policy', refused[0].refusal, refused.map((r) => r.detail));
    }
  }

  const parties = { patientId: input.patientId, doctorId: input.doctorId };
  const required = visit.requiredResources;
  const checkOccurrences = async () => {
    const [answers, busy] = await Promise.all([
      Promise.all(ranges.map((range) => ctx.peers.checkAvailability({ ...parties, startsAt: range.startsAt, endsAt: range.endsAt, required }, requestId))),
      findBusyRanges(ctx.db, parties, ranges),
    ]);
    const problems = ranges.flatMap((range, index) => {
      const answer = answers[index];
      if (answer && !answer.available) return [issue(index, range.startsAt, answer.reason)];
      if (busy[index]?.doctorBusy) return [issue(index, range.startsAt, 'SLOT_TAKEN')];
      if (busy[index]?.patientBusy) return [issue(index, range.startsAt, 'PATIENT_BUSY')];
      return [];
    });
    return { answers, problems };
  };
  const refuse = (details: FieldIssue[]) =>
    new AppError('CONFLICT', `${details.length} of ${ranges.length} occurrences cannot be booked`, 'SERIES_CONFLICT', details);

  const { answers, problems } = await checkOccurrences();
  if (problems.length > 0) throw refuse(problems);
  const offered = answers.map((answer) => (answer.available ? answer : { locationId: null, candidates: [] }));

  const seriesId = randomUUID();
  const base = ranges.map((range, index) => ({
    id: randomUUID(),
    ...parties,
    ...range,
    ...visitColumns(visit),
    seriesId,
    reason: input.reason || null,
    bookedBy: actor.principal.userId,
    ...snapshotColumns({ patient, doctor }),
    locationId: offered[index]?.locationId ?? null,
  }));
  const needs = ranges.map((range, index) => ({ range, candidates: offered[index]?.candidates ?? [] }));
  try {
    // The rows (with their rooms and devices) and their AppointmentBooked events: one statement.
    const rows = await withResources(ctx, required, needs, (picked) => {
      const values = base.map((value, index) => ({ ...value, resources: picked[index] ?? [] }));
      const events = values.map((value) => newEvent('AppointmentBooked', snapshotOf(value), requestId));
      return insertAppointmentsWithEvents(ctx.db, values, events);
    });
    return { seriesId, appointments: rows.map(toAppointment) };
  } catch (error) {
    // Someone booked in between the check and the insert: say which occurrences they took.
    if (isAppError(error) && error.kind === 'CONFLICT') {
      const { problems: details } = await checkOccurrences();
      throw details.length > 0 ? refuse(details) : error;
    }
    throw error;
  }
}

/**
 * Cancels the series' BOOKED occurrences from `from` on (every remaining one without it) in one
 * statement with their AppointmentCancelled events. For a patient, occurrences inside the
 * cancel cutoff are left as they are.
 */
export async function cancelSeries(
  ctx: AppointmentsContext,
  actor: Actor,
  seriesId: string,
  input: CancelSeriesInput,
): Promise<Series> {
  requireRole(actor.principal, ...rolesFor.manage);
  const [first] = await findSeries(ctx.db, seriesId);
  if (!first) throw notFound(`Series ${seriesId} not found`, 'SERIES_NOT_FOUND');
  const [, policy] = await Promise.all([authorizeAppointment(ctx, actor, first, rolesFor.manage), policyFor(ctx, actor.principal)]);
  const now = ctx.now().getTime();
  const earliest = Math.max(
    input.from ? Date.parse(input.from) : now,
    now + (policy ? policy.patientCancelCutoffHours * 3_600_000 : 0),
  );
  const rows = await cancelSeriesAnnounced(
    ctx.db,
    seriesId,
    new Date(earliest),
    { cancellationReason: input.reason || null, cancelledBy: actor.principal.userId },
    actor.requestId,
  );
  const appointments: Appointment[] = rows.map(toAppointment);
  appointments.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  return { seriesId, appointments };
}
