import type { EventData, WaitlistEntry, WaitlistInput, WaitlistListQuery } from '@pms/contracts';
import { forbidden, isStaff, notFound, requireRole, unprocessable, type Actor } from '@pms/platform/domain';
import type { z } from 'zod';
import type { Executor } from '../db/database.js';
import type { WaitlistRow } from '../db/schema.js';
import {
  deleteWaitlistEntry,
  expireLapsedOffers,
  findWaitlistEntry,
  insertWaitlistEntry,
  listWaitlist as findWaitlist,
  fulfilBookedEntries,
  offerFreedTime,
  type FreedTime,
} from '../db/waitlist.js';
import { assertOwnsPatient } from './access.js';
import { assertTypeSuitsDoctor, resolveVisit } from './appointment-types.js';
import { addMinutes } from './booking.js';
import type { AppointmentsContext } from './context.js';

const iso = (at: Date | null) => at?.toISOString() ?? null;

export function toWaitlistEntry(row: WaitlistRow): WaitlistEntry {
  return {
    id: row.id,
    patientId: row.patientId,
    doctorId: row.doctorId,
    from: row.windowFrom.toISOString(),
    to: row.windowTo.toISOString(),
    appointmentTypeId: row.appointmentTypeId,
    status: row.status,
    offeredStartsAt: iso(row.offeredStartsAt),
    offeredEndsAt: iso(row.offeredEndsAt),
    offerExpiresAt: iso(row.offerExpiresAt),
    appointmentId: row.appointmentId,
    createdAt: row.createdAt.toISOString(),
  };
}

const roles = ['admin', 'staff', 'patient'] as const;

/** Staff and admins, or a patient user for their own record (asked of patient, as booking does). */
async function patientFor(ctx: AppointmentsContext, actor: Actor, patientId: string) {
  const patient = await ctx.peers.getPatient(patientId, actor.requestId);
  if (!patient) throw unprocessable(`Patient ${patientId} does not exist`, 'UNKNOWN_PATIENT');
  assertOwnsPatient(actor.principal, patient);
  return patient;
}

export async function joinWaitlist(
  ctx: AppointmentsContext,
  actor: Actor,
  input: z.infer<typeof WaitlistInput>,
): Promise<WaitlistEntry> {
  requireRole(actor.principal, ...roles);
  const [visit, patient, doctor] = await Promise.all([
    // A bare duration of null: any freed slot of the doctor fits an entry without a type.
    input.appointmentTypeId ? resolveVisit(ctx, { appointmentTypeId: input.appointmentTypeId }) : undefined,
    patientFor(ctx, actor, input.patientId),
    ctx.peers.getDoctor(input.doctorId, actor.requestId),
  ]);
  if (!doctor) throw unprocessable(`Doctor ${input.doctorId} does not exist`, 'UNKNOWN_DOCTOR');
  if (visit) assertTypeSuitsDoctor(visit, doctor.specialty);
  const row = await insertWaitlistEntry(ctx.db, {
    patientId: input.patientId,
    doctorId: input.doctorId,
    windowFrom: new Date(input.from),
    windowTo: new Date(input.to),
    appointmentTypeId: visit?.appointmentTypeId ?? null,
    durationMinutes: visit?.durationMinutes ?? null,
    bufferBeforeMinutes: visit?.bufferBeforeMinutes ?? 0,
    bufferAfterMinutes: visit?.bufferAfterMinutes ?? 0,
    patientName: patient.name,
    patientEmail: patient.email,
    doctorName: doctor.name,
    doctorSpecialty: doctor.specialty,
    doctorTimeZone: doctor.timeZone,
    createdBy: actor.principal.userId,
  });
  return toWaitlistEntry(row);
}

export async function listWaitlist(
  ctx: AppointmentsContext,
  actor: Actor,
  query: z.infer<typeof WaitlistListQuery>,
): Promise<{ items: WaitlistEntry[]; page: number; pageSize: number; total: number }> {
  requireRole(actor.principal, ...roles);
  if (!isStaff(actor.principal)) {
    if (!query.patientId) throw forbidden('Patients must filter by their own patientId', 'NOT_OWNER');
    await patientFor(ctx, actor, query.patientId);
  }
  const { page, pageSize } = query;
  const { rows, total } = await findWaitlist(ctx.db, query, { limit: pageSize, offset: (page - 1) * pageSize });
  return { items: rows.map(toWaitlistEntry), page, pageSize, total };
}

export async function leaveWaitlist(ctx: AppointmentsContext, actor: Actor, id: string): Promise<void> {
  requireRole(actor.principal, ...roles);
  const entry = await findWaitlistEntry(ctx.db, id);
  if (!entry) throw notFound(`Waitlist entry ${id} not found`, 'WAITLIST_ENTRY_NOT_FOUND');
  if (!isStaff(actor.principal)) await patientFor(ctx, actor, entry.patientId);
  // An offer given up is passed on to the next in line, as a lapsed one is: the delete announces it.
  await deleteWaitlistEntry(ctx.db, id, actor.requestId);
}

type Snapshot = EventData<'AppointmentBooked'>;

/** The doctor's time an appointment held, buffers included. */
export function freedBy(appointment: Snapshot, startsAt = appointment.startsAt, endsAt = appointment.endsAt): FreedTime {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  return {
    doctorId: appointment.doctorId,
    startsAt: start,
    durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000),
    freeFrom: addMinutes(start, -(appointment.bufferBeforeMinutes ?? 0)),
    freeUntil: addMinutes(end, appointment.bufferAfterMinutes ?? 0),
  };
}

/**
 * Offers freed time to the next fitting entry and announces the offer (notification emails the
 * patient), in one statement. Runs in the consumer's transaction of the event that freed it.
 */
export async function offerSlot(tx: Executor, freed: FreedTime, offerMinutes: number, requestId: string | null): Promise<string | undefined> {
  return offerFreedTime(tx, freed, addMinutes(new Date(), offerMinutes), requestId);
}

/**
 * A booking (or the new time of a reschedule): the patient's entries for that doctor inside
 * their window are fulfilled, and other patients' offers of the time it takes are withdrawn.
 */
export async function fulfilEntries(tx: Executor, appointment: Snapshot): Promise<void> {
  const taken = freedBy(appointment);
  await fulfilBookedEntries(tx, {
    appointmentId: appointment.appointmentId,
    patientId: appointment.patientId,
    doctorId: appointment.doctorId,
    startsAt: new Date(appointment.startsAt),
    blockedFrom: taken.freeFrom,
    blockedUntil: taken.freeUntil,
  });
}

/**
 * Lapsed offers become EXPIRED with a WaitlistOfferExpired event each, whose handler passes the
 * slot on. Claimed with SKIP LOCKED, so replicas never expire one offer twice.
 */
export async function expireOffers(db: AppointmentsContext['db'], limit = 50): Promise<number> {
  return (await expireLapsedOffers(db, limit)).length;
}

/** The expired offer's slot, as freed time for the next entry (its own length and buffers). */
export function freedByOffer(offer: EventData<'WaitlistOfferExpired'>, entry?: Pick<WaitlistRow, 'bufferBeforeMinutes' | 'bufferAfterMinutes'>): FreedTime {
  const start = new Date(offer.startsAt);
  const end = new Date(offer.endsAt);
  return {
    doctorId: offer.doctorId,
    startsAt: start,
    durationMinutes: Math.round((end.getTime() - start.getTime()) / 60_000),
    freeFrom: addMinutes(start, -(entry?.bufferBeforeMinutes ?? 0)),
    freeUntil: addMinutes(end, entry?.bufferAfterMinutes ?? 0),
  };
}
