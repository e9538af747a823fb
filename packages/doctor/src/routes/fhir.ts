import { actorOf, type ServiceInstance } from '@pms/platform';
import { badInput } from '@pms/platform/domain';
import { fhirResource, parseSlotId, registerFhir, type FhirSearch } from '@pms/platform/fhir';
import { z } from 'zod';
import type { DoctorFilter } from '../db/doctors.js';
import type { DoctorContext } from '../domain/context.js';
import { readDoctor, searchDoctors } from '../domain/doctors.js';
import { scheduleSlots, slotAt } from '../domain/schedule-slots.js';
import type { SlotState } from '../domain/slots.js';
import { toPractitioner } from '../fhir/practitioner.js';
import { toPractitionerRole } from '../fhir/practitioner-role.js';
import { toSchedule } from '../fhir/schedule.js';
import { slotStateOf, toSlot } from '../fhir/slot.js';
import { specialtyOfToken } from '../fhir/specialty.js';
import { defaultLocationId } from '../domain/floor-search.js';
import { device, location } from './fhir-floor.js';
import { byId, referencedIds } from './fhir-params.js';

// Practitioner, PractitionerRole and Schedule are three views of one doctor row (same id); Slots
// are computed from it; Location and Device are the clinic floor (fhir-floor.ts). Reads are open
// to every role, as GET /api/doctors is.

/** Both given: only ids in both lists. */
const bothIds = (a?: string[], b?: string[]) => (a && b ? a.filter((id) => b.includes(id)) : (a ?? b));

const searchRows = (ctx: DoctorContext, search: FhirSearch, filter: DoctorFilter) =>
  searchDoctors(ctx, filter, { offset: search.offset, limit: search.count });

const practitioner = (ctx: DoctorContext) =>
  fhirResource({
    type: 'Practitioner',
    searchParams: { _id: byId, name: { type: 'string', description: 'A word of the name starts with this text (case-insensitive)' } },
    read: async (_request, id) => toPractitioner(await readDoctor(ctx, id)),
    search: async (_request, search) => {
      const { rows, total } = await searchRows(ctx, search, { ids: search.uuids('_id'), name: search.one('name') });
      return { resources: rows.map(toPractitioner), total };
    },
  });

const practitionerRole = (ctx: DoctorContext) =>
  fhirResource({
    type: 'PractitionerRole',
    searchParams: {
      _id: byId,
      specialty: { type: 'token', description: `The doctor's specialty: SNOMED CT (http://snomed.info/sct|394579002) or ours (CARDIOLOGY)` },
      practitioner: { type: 'reference', description: 'The doctor (Practitioner/<id>)', target: ['Practitioner'] },
    },
    read: async (_request, id) => {
      const [row, fallback] = await Promise.all([readDoctor(ctx, id), defaultLocationId(ctx)]);
      return toPractitionerRole(row, fallback);
    },
    search: async (_request, search) => {
      const token = search.token('specialty');
      const specialty = token && specialtyOfToken(token);
      if (token && !specialty) return { resources: [], total: 0 };
      const ids = bothIds(search.uuids('_id'), referencedIds(search, 'practitioner', 'Practitioner'));
      const [{ rows, total }, fallback] = await Promise.all([searchRows(ctx, search, { ids, specialty }), defaultLocationId(ctx)]);
      return { resources: rows.map((row) => toPractitionerRole(row, fallback)), total };
    },
  });

const schedule = (ctx: DoctorContext) =>
  fhirResource({
    type: 'Schedule',
    searchParams: { _id: byId, actor: { type: 'reference', description: 'The doctor whose schedule it is (Practitioner/<id>)', target: ['Practitioner'] } },
    read: async (_request, id) => {
      const [row, fallback] = await Promise.all([readDoctor(ctx, id), defaultLocationId(ctx)]);
      return toSchedule(row, fallback);
    },
    search: async (_request, search) => {
      const ids = bothIds(search.uuids('_id'), referencedIds(search, 'actor', 'Practitioner'));
      const [{ rows, total }, fallback] = await Promise.all([searchRows(ctx, search, { ids }), defaultLocationId(ctx)]);
      return { resources: rows.map((row) => toSchedule(row, fallback)), total };
    },
  });

const dayMs = 86_400_000;
/** A search without an upper bound on `start` covers a week; none may cover more than 31 days (as availability). */
const defaultSpanMs = 7 * dayMs;
const maxSpanMs = 31 * dayMs;

/**
 * [from, to) the slots' starts must lie in: every `start` bound ANDed; from now and a week long
 * where open (platform holds every bound to the years inputs allow, so PostgreSQL can hold it).
 */
function startWindow(search: FhirSearch, now: Date): { from: Date; to: Date } {
  const { atLeast, before } = search.dateRange('start');
  const from = (atLeast ?? now).getTime();
  const to = before?.getTime() ?? from + defaultSpanMs;
  if (to - from > maxSpanMs) throw badInput('A Slot search covers at most 31 days of start times', [{ field: 'start', message: 'spans more than 31 days' }]);
  return { from: new Date(from), to: new Date(Math.max(from, to)) };
}

/** `status` tokens as slot states; a status we never give a slot matches nothing. */
const statesOf = (search: FhirSearch): SlotState[] | undefined =>
  search.anyOf('status')?.flatMap((status) => slotStateOf(status.slice(status.indexOf('|') + 1)) ?? []);

const slot = (ctx: DoctorContext) =>
  fhirResource({
    type: 'Slot',
    id: z.string().refine((id) => parseSlotId(id) !== undefined),
    searchParams: {
      schedule: { type: 'reference', description: 'The doctor’s Schedule (Schedule/<doctor id>); required', target: ['Schedule'] },
      start: { type: 'date', description: 'Start of the slot: eq, ge, gt, le, lt; from now and one week when open, at most 31 days' },
      status: { type: 'token', description: 'free, busy (an appointment holds it) or busy-unavailable (time off, past, outside the booking policy)' },
    },
    read: async (request, id) => {
      const { doctor, slots } = await slotAt(ctx, actorOf(request), parseSlotId(id)!);
      return toSlot(slots[0]!, doctor.specialty);
    },
    search: async (request, search) => {
      const [doctorId] = referencedIds(search, 'schedule', 'Schedule') ?? missingSchedule();
      const window = startWindow(search, ctx.now());
      const states = statesOf(search);
      if (doctorId === undefined || states?.length === 0) return { resources: [], total: 0 };
      // An unknown doctor's schedule has no slots (reading one would be 404).
      const found = await scheduleSlots(ctx, actorOf(request), doctorId, window, states);
      if (!found) return { resources: [], total: 0 };
      const page = found.slots.slice(search.offset, search.offset + search.count);
      return { resources: page.map((one) => toSlot(one, found.doctor.specialty)), total: found.slots.length };
    },
  });

const missingSchedule = (): never => {
  throw badInput('A Slot search names the schedule (Schedule/<doctor id>)', [{ field: 'schedule', message: 'is required' }]);
};

/** The FHIR API of the doctor service: /fhir/R4/{Practitioner,PractitionerRole,Schedule,Slot,Location,Device} and its /metadata. */
export const registerDoctorFhir = (app: ServiceInstance, ctx: DoctorContext) =>
  registerFhir(app, { name: 'doctor', version: '0.1.0' }, [practitioner(ctx), practitionerRole(ctx), schedule(ctx), slot(ctx), location(ctx), device(ctx)]);
