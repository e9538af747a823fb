import type { Schedule, ScheduleInput, TimeOff, TimeOffInput, TimeOffQuery } from '@pms/contracts';
import { AppError, badInput, notFound, requireRole, type Actor, type FieldIssue } from '@pms/platform/domain';
import type { z } from 'zod';
import { findDoctor } from '../db/doctors.js';
import { findLocations } from '../db/locations.js';
import type { DoctorRow, TimeOffRow } from '../db/schema.js';
import { deleteTimeOff, insertTimeOff, listTimeOff } from '../db/time-off.js';
import type { DoctorContext } from './context.js';
import { changeDoctor, doctorNotFound, lockDoctor } from './doctors.js';

type ScheduleInput = z.output<typeof ScheduleInput>;
type Schedule = z.output<typeof Schedule>;
type TimeOffInput = z.output<typeof TimeOffInput>;
type TimeOffQuery = z.output<typeof TimeOffQuery>;
type TimeOff = z.output<typeof TimeOff>;

export const toSchedule = (row: DoctorRow): Schedule => ({
  doctorId: row.id,
  timeZone: row.timeZone,
  slotMinutes: row.slotMinutes,
  // The block's copy of its location's time zone is internal (db/schema.ts).
  hours: row.workingHours.map(({ weekday, start, end, locationId }) => ({ weekday, start, end, ...(locationId ? { locationId } : {}) })),
});

const toTimeOff = (row: TimeOffRow): TimeOff => ({
  id: row.id,
  doctorId: row.doctorId,
  startsAt: row.startsAt.toISOString(),
  endsAt: row.endsAt.toISOString(),
  reason: row.reason,
});

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Blocks that overlap on one weekday, or hold not even one slot, would make slots ambiguous or empty. */
export function scheduleProblems(input: ScheduleInput): FieldIssue[] {
  const problems: FieldIssue[] = [];
  input.hours.forEach((hours, index) => {
    if (minutesOf(hours.end) - minutesOf(hours.start) < input.slotMinutes) {
      problems.push({ field: `hours.${index}.end`, message: `block is shorter than one slot (${input.slotMinutes} minutes)` });
    }
    const clash = input.hours.findIndex(
      (other, otherIndex) => otherIndex !== index && other.weekday === hours.weekday && other.start < hours.end && hours.start < other.end,
    );
    if (clash !== -1) problems.push({ field: `hours.${index}`, message: `overlaps hours.${clash} on weekday ${hours.weekday}` });
  });
  return problems;
}

/** The canonical IANA name (Intl accepts `europe/berlin`; everything downstream gets `Europe/Berlin`). */
const canonicalZone = (zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;

const byDayAndTime = (a: ScheduleInput['hours'][number], b: ScheduleInput['hours'][number]) =>
  a.weekday - b.weekday || minutesOf(a.start) - minutesOf(b.start);

// Weekly working hours and time off; reads for every role, writes for admins.

export async function getSchedule(ctx: DoctorContext, doctorId: string): Promise<Schedule> {
  const row = await findDoctor(ctx.db, doctorId);
  if (!row) throw doctorNotFound(doctorId);
  return toSchedule(row);
}

/** Replaces the whole weekly schedule; a new time zone is announced as DoctorUpdated. */
export async function replaceSchedule(ctx: DoctorContext, actor: Actor, doctorId: string, input: ScheduleInput): Promise<Schedule> {
  requireRole(actor.principal, 'admin');
  const problems = scheduleProblems(input);
  if (problems.length > 0) throw badInput(`Invalid schedule: ${problems.map((p) => p.field).join(', ')}`, problems);
  const named = [...new Set(input.hours.flatMap((hours) => (hours.locationId ? [hours.locationId] : [])))];
  const zones = new Map((await findLocations(ctx.db, named)).map((location) => [location.id, location.timeZone]));
  const unknown = input.hours.flatMap((hours, index) =>
    hours.locationId && !zones.has(hours.locationId) ? [{ field: `hours.${index}.locationId`, message: `no location ${hours.locationId}` }] : [],
  );
  if (unknown.length > 0) throw new AppError('UNPROCESSABLE', 'Unknown location in the schedule', 'UNKNOWN_LOCATION', unknown);
  const schedule = {
    timeZone: canonicalZone(input.timeZone),
    slotMinutes: input.slotMinutes,
    workingHours: input.hours
      .map(({ weekday, start, end, locationId }) => ({ weekday, start, end, ...(locationId ? { locationId, timeZone: zones.get(locationId) } : {}) }))
      .sort(byDayAndTime),
  };
  const row = await ctx.db.transaction(async (tx) => changeDoctor(tx, await lockDoctor(tx, doctorId), schedule, actor.requestId));
  return toSchedule(row);
}

export async function addTimeOff(ctx: DoctorContext, actor: Actor, doctorId: string, input: TimeOffInput): Promise<TimeOff> {
  requireRole(actor.principal, 'admin');
  await requireDoctor(ctx, doctorId);
  const row = await insertTimeOff(ctx.db, {
    doctorId,
    startsAt: new Date(input.startsAt),
    endsAt: new Date(input.endsAt),
    reason: input.reason ?? null,
  });
  return toTimeOff(row);
}

export async function listDoctorTimeOff(ctx: DoctorContext, doctorId: string, query: TimeOffQuery): Promise<{ items: TimeOff[] }> {
  await requireDoctor(ctx, doctorId);
  const rows = await listTimeOff(ctx.db, doctorId, {
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  });
  return { items: rows.map(toTimeOff) };
}

export async function removeTimeOff(ctx: DoctorContext, actor: Actor, doctorId: string, timeOffId: string): Promise<void> {
  requireRole(actor.principal, 'admin');
  if (!(await deleteTimeOff(ctx.db, doctorId, timeOffId))) {
    throw notFound(`Time off ${timeOffId} of doctor ${doctorId} not found`, 'TIME_OFF_NOT_FOUND');
  }
}

async function requireDoctor(ctx: DoctorContext, doctorId: string): Promise<void> {
  if (!(await findDoctor(ctx.db, doctorId))) throw doctorNotFound(doctorId);
}
