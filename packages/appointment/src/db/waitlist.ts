import type { WaitlistStatus } from '@pms/contracts';
import { isoInstantSql, outboxInsertFrom } from '@pms/platform/db';
import { and, asc, count, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import { newEnvelope, outboxInsertEach } from './outbox.js';
import { waitlistEntries, type WaitlistRow } from './schema.js';

export type NewWaitlistRow = typeof waitlistEntries.$inferInsert;

export async function insertWaitlistEntry(db: Executor, values: NewWaitlistRow): Promise<WaitlistRow> {
  const [row] = await db.insert(waitlistEntries).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findWaitlistEntry(db: Executor, id: string): Promise<WaitlistRow | undefined> {
  const [row] = await db.select().from(waitlistEntries).where(eq(waitlistEntries.id, id)).limit(1);
  return row;
}

/** The slot a WaitlistOfferExpired (and, extended, a WaitlistSlotOffered) event carries, from the entry `source`: the offered times, or the window's. */
const slotSql = (source: string) => `jsonb_build_object('entryId', ${source}.id, 'patientId', ${source}.patient_id, 'doctorId', ${source}.doctor_id,
  'startsAt', ${isoInstantSql(`coalesce(${source}.offered_starts_at, ${source}.window_from)`)}, 'endsAt', ${isoInstantSql(`coalesce(${source}.offered_ends_at, ${source}.window_to)`)},
  'doctor', jsonb_build_object('name', ${source}.doctor_name, 'specialty', ${source}.doctor_specialty, 'timeZone', ${source}.doctor_time_zone))`;

const slotOfferedSql = (source: string) =>
  `${slotSql(source)} || jsonb_build_object('expiresAt', ${isoInstantSql(`${source}.offer_expires_at`)},
    'patient', jsonb_build_object('name', ${source}.patient_name, 'email', ${source}.patient_email))`;

/**
 * Deletes the entry and, if it held an offer, writes WaitlistOfferExpired about it (whose handler
 * passes the slot on, as for a lapsed offer), in one statement: one round trip, no BEGIN or COMMIT.
 */
export async function deleteWaitlistEntry(db: Executor, id: string, requestId: string): Promise<WaitlistRow | undefined> {
  const removed = db.$with('removed').as(db.delete(waitlistEntries).where(eq(waitlistEntries.id, id)).returning());
  const offered = db.$with('offered').as(sql`select * from removed where status = 'OFFERED'` as never);
  const expired = db.$with('expired').as(outboxInsertFrom('offered', newEnvelope('WaitlistOfferExpired', id, requestId), sql.raw(slotSql('offered'))) as never);
  const [row] = await db.with(removed, offered, expired).select().from(removed);
  return row;
}

export interface WaitlistFilter {
  doctorId?: string;
  patientId?: string;
  status?: WaitlistStatus;
}

export async function listWaitlist(
  db: Executor,
  filter: WaitlistFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: WaitlistRow[]; total: number }> {
  const where: SQL | undefined = and(
    filter.doctorId ? eq(waitlistEntries.doctorId, filter.doctorId) : undefined,
    filter.patientId ? eq(waitlistEntries.patientId, filter.patientId) : undefined,
    filter.status ? eq(waitlistEntries.status, filter.status) : undefined,
  );
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(waitlistEntries)
      .where(where)
      .orderBy(asc(waitlistEntries.createdAt), asc(waitlistEntries.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: count() }).from(waitlistEntries).where(where),
  ]);
  return { rows, total: counted?.total ?? 0 };
}

/** A stretch of a doctor's time that became free, and where in it an offered visit starts. */
export interface FreedTime {
  doctorId: string;
  /** The freed appointment's start: offered visits start here. */
  startsAt: Date;
  /** Its own length, for entries without a type. */
  durationMinutes: number;
  /** The doctor's freed range, buffers included. */
  freeFrom: Date;
  freeUntil: Date;
}

/**
 * Offers freed time to the earliest WAITING entry it fits, in one statement: the entry's window
 * holds the start, its type (buffers included) fits the freed range, neither the doctor nor the
 * patient has another active appointment then, and the start is still ahead. SKIP LOCKED: two freed slots
 * handled at once go to two different entries, never twice to one. The same statement writes the
 * offer's WaitlistSlotOffered event (notification emails the patient). The offered entry's id, if any.
 */
export async function offerFreedTime(db: Executor, freed: FreedTime, expiresAt: Date, requestId: string | null): Promise<string | undefined> {
  const start = freed.startsAt.toISOString();
  const duration = sql`coalesce(w.duration_minutes, ${freed.durationMinutes}::int)`;
  const needFrom = sql`${start}::timestamptz - make_interval(mins => w.buffer_before_minutes)`;
  const visitEnd = sql`${start}::timestamptz + make_interval(mins => ${duration})`;
  const needUntil = sql`${visitEnd} + make_interval(mins => w.buffer_after_minutes)`;
  const announced = outboxInsertEach('offered', 'WaitlistSlotOffered', requestId, slotOfferedSql);
  const result = await db.execute<{ id: string }>(sql`
    with offered as (update ${waitlistEntries} set status = 'OFFERED',
      offered_starts_at = ${start}::timestamptz,
      offered_ends_at = chosen.visit_end,
      offer_expires_at = ${expiresAt.toISOString()}::timestamptz,
      updated_at = now()
    from (
      select w.id, ${visitEnd} as visit_end from ${waitlistEntries} w
      where w.doctor_id = ${freed.doctorId} and w.status = 'WAITING'
        and w.window_from <= ${start}::timestamptz and w.window_to > ${start}::timestamptz
        and ${start}::timestamptz > now()
        and ${needFrom} >= ${freed.freeFrom.toISOString()}::timestamptz
        and ${needUntil} <= ${freed.freeUntil.toISOString()}::timestamptz
        and not exists (
          select 1 from appointments a where a.doctor_id = w.doctor_id and a.status in ('BOOKED', 'CHECKED_IN')
            and tstzrange(a.doctor_blocked_from, a.doctor_blocked_until) && tstzrange(${needFrom}, ${needUntil}))
        -- Nor the patient, at any doctor: an offer they could not take would only block the next in line.
        and not exists (
          select 1 from appointments a where a.patient_id = w.patient_id and a.status in ('BOOKED', 'CHECKED_IN')
            and tstzrange(a.starts_at, a.ends_at) && tstzrange(${start}::timestamptz, ${visitEnd}))
      order by w.created_at, w.id
      limit 1
      for update of w skip locked
    ) as chosen
    where ${waitlistEntries.id} = chosen.id
    returning ${waitlistEntries}.*),
    announced as (${announced})
    select id from offered`);
  return [...result][0]?.id;
}

/** A booking's effect on the waitlist: who booked which doctor when, and the doctor's time it takes. */
export interface BookedTime {
  appointmentId: string;
  patientId: string;
  doctorId: string;
  startsAt: Date;
  /** The doctor's range, buffers included. */
  blockedFrom: Date;
  blockedUntil: Date;
}

/** A patient booked that doctor inside the window: their waiting or offered entries are done. */
const markBookedEntries = (db: Executor, booking: BookedTime) =>
  db
    .update(waitlistEntries)
    .set({ status: 'BOOKED', appointmentId: booking.appointmentId, offerExpiresAt: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(waitlistEntries.patientId, booking.patientId),
        eq(waitlistEntries.doctorId, booking.doctorId),
        inArray(waitlistEntries.status, ['WAITING', 'OFFERED']),
        lte(waitlistEntries.windowFrom, booking.startsAt),
        sql`${waitlistEntries.windowTo} > ${booking.startsAt.toISOString()}::timestamptz`,
      ),
    )
    .returning({ id: waitlistEntries.id });

/**
 * Someone else booked time an offer held (staff booked it, or the patient's own booking elsewhere
 * took it): those offers are withdrawn and their entries wait again for the next freed time.
 */
const withdrawOverlappingOffers = (db: Executor, booking: BookedTime) =>
  db
    .update(waitlistEntries)
    .set({ status: 'WAITING', offeredStartsAt: null, offeredEndsAt: null, offerExpiresAt: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(waitlistEntries.doctorId, booking.doctorId),
        eq(waitlistEntries.status, 'OFFERED'),
        sql`${waitlistEntries.patientId} <> ${booking.patientId}`,
        sql`tstzrange(${waitlistEntries.offeredStartsAt}, ${waitlistEntries.offeredEndsAt}) && tstzrange(${booking.blockedFrom.toISOString()}::timestamptz, ${booking.blockedUntil.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ id: waitlistEntries.id });

/**
 * Both effects of a booking in one statement (two data-modifying CTEs), so one round trip. The
 * two updates touch disjoint entries (the booking patient's, and other patients' offers), so
 * running them on one snapshot does what running them one after the other did.
 */
export async function fulfilBookedEntries(db: Executor, booking: BookedTime): Promise<void> {
  const booked = db.$with('booked').as(markBookedEntries(db, booking));
  const withdrawn = db.$with('withdrawn').as(withdrawOverlappingOffers(db, booking));
  // Unreferenced data-modifying CTEs run all the same: selecting from one is enough.
  await db.with(booked, withdrawn).select().from(booked);
}

/**
 * Claims lapsed offers (SKIP LOCKED: replicas share the work) and marks them EXPIRED, each with a
 * WaitlistOfferExpired event (its slot, built from the row), in one statement.
 */
export async function expireLapsedOffers(db: Executor, limit: number): Promise<WaitlistRow[]> {
  const lapsed = db
    .select({ id: waitlistEntries.id })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.status, 'OFFERED'), lte(waitlistEntries.offerExpiresAt, sql`now()`)))
    .orderBy(asc(waitlistEntries.offerExpiresAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const expired = db.$with('expired').as(
    db.update(waitlistEntries).set({ status: 'EXPIRED', updatedAt: sql`now()` }).where(inArray(waitlistEntries.id, lapsed)).returning(),
  );
  const announced = db.$with('announced').as(outboxInsertEach('expired', 'WaitlistOfferExpired', null, slotSql) as never);
  return db.with(expired, announced).select().from(expired);
}
