import type { Appointment as FhirAppointment } from '@medplum/fhirtypes';
import { dateTimeInput, text, uuid, type AppointmentStatus, type BookedResource } from '@pms/contracts';
import { metaOf, referenceTarget, slotOfReference } from '@pms/platform/fhir';
import { z } from 'zod';
import type { AppointmentRow } from '../db/schema.js';

export type FhirStatus = FhirAppointment['status'];

/**
 * Our lifecycle in FHIR's words, one to one: BOOKED is `booked`, CHECKED_IN `arrived` (the patient
 * is here; R4's `checked-in` is a later addition meaning the same, we answer the older code),
 * COMPLETED `fulfilled`, CANCELLED `cancelled`, NO_SHOW `noshow`. FHIR's `proposed`, `pending`,
 * `waitlist`, `checked-in` and `entered-in-error` have no counterpart: no appointment is in them
 * and none can be moved into them (409).
 */
export const fhirStatusOf: Record<AppointmentStatus, FhirStatus> = {
  BOOKED: 'booked',
  CHECKED_IN: 'arrived',
  COMPLETED: 'fulfilled',
  CANCELLED: 'cancelled',
  NO_SHOW: 'noshow',
};

export const statusOfFhir = (status: string): AppointmentStatus | undefined =>
  (Object.keys(fhirStatusOf) as AppointmentStatus[]).find((ours) => fhirStatusOf[ours] === status);

/** Appointment types are ours (GET /api/appointment-types): their id is the code. */
export const appointmentTypeSystem = 'https://pms.example.org/fhir/CodeSystem/appointment-type';

/** A booked room as `Location/<id>`, a device as `Device/<id>` (doctor serves both: its fhir/location.ts and fhir/device.ts). */
export const heldReference = (held: Pick<BookedResource, 'category' | 'resourceId'>) =>
  `${held.category === 'ROOM' ? 'Location' : 'Device'}/${held.resourceId}`;

/**
 * An appointment as FHIR sees it; the rooms it holds are Location participants and the devices
 * Device participants (the server chose them: see FhirAppointmentInput). The version is the row's (bumped by every change), so
 * If-Match on an update guards against a change made since it was read. The cancellation
 * reason is said only for a cancelled appointment (FHIR's app-4).
 */
export function toFhirAppointment(row: AppointmentRow): FhirAppointment {
  const appointment: FhirAppointment = {
    resourceType: 'Appointment',
    id: row.id,
    meta: metaOf(row.version, row.updatedAt),
    status: fhirStatusOf[row.status],
    start: row.startsAt.toISOString(),
    end: row.endsAt.toISOString(),
    minutesDuration: row.durationMinutes,
    created: row.createdAt.toISOString(),
    participant: [
      { actor: { reference: `Patient/${row.patientId}`, display: row.patientName }, required: 'required', status: 'accepted' },
      { actor: { reference: `Practitioner/${row.doctorId}`, display: row.doctorName }, required: 'required', status: 'accepted' },
      ...row.resources.map((held) => ({ actor: { reference: heldReference(held), display: held.name }, required: 'required' as const, status: 'accepted' as const })),
    ],
  };
  if (row.appointmentTypeId) appointment.appointmentType = { coding: [{ system: appointmentTypeSystem, code: row.appointmentTypeId }] };
  if (row.reason) appointment.reasonCode = [{ text: row.reason }];
  if (row.status === 'CANCELLED' && row.cancellationReason) appointment.cancelationReason = { text: row.cancellationReason };
  return appointment;
}

/** What a client's Appointment asks for, in our terms; each field undefined when the resource does not say. */
export interface AppointmentRequest {
  status: FhirStatus;
  patientId?: string;
  doctorId?: string;
  startsAt?: string;
  endsAt?: string;
  slot?: SlotPeriod;
  /** The Location (room) and Device participants named, as `Location/<id>` / `Device/<id>`. */
  resources: string[];
  appointmentTypeId?: string;
  reason?: string;
  cancellationReason?: string;
}

/** The doctor and period a Slot id names (platform's fhir/slot-id.ts: `<doctor>.<yyyyMMddHHmm UTC>.<minutes>`). */
export interface SlotPeriod {
  doctorId: string;
  startsAt: string;
  minutes: number;
}

/** The slot a `Slot/<id>` reference names; the doctor checks that it is one of theirs when the booking asks. */
function slotPeriodOf(reference: string): SlotPeriod | undefined {
  const slot = slotOfReference(reference);
  return slot && { doctorId: slot.doctorId, startsAt: slot.start.toISOString(), minutes: slot.minutes };
}

/** `Patient/<uuid>` (relative or absolute): the id, if the reference is to that type. */
const idIn = (reference: string | undefined, types: string[]) => {
  const target = referenceTarget(reference ?? '');
  return target && types.includes(target.type) && uuid.safeParse(target.id).success ? target.id.toLowerCase() : undefined;
};

const Reference = z.looseObject({ reference: z.string().optional() });
const freeText = text().trim().max(1000);

/**
 * The elements of an Appointment we read (every other one passes, unused): zod checks their
 * shape, then the references are resolved; each problem names its element (platform prefixes
 * `Appointment.`).
 */
export const FhirAppointmentInput = z
  .looseObject({
    resourceType: z.literal('Appointment'),
    status: z.enum(['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist']),
    start: dateTimeInput.optional(),
    end: dateTimeInput.optional(),
    slot: z.array(Reference).max(1, 'one slot at most').optional(),
    participant: z.array(z.looseObject({ actor: Reference.optional() })).min(1).max(10),
    appointmentType: z.looseObject({ coding: z.array(z.looseObject({ system: z.string().optional(), code: z.string().optional() })).optional() }).optional(),
    reasonCode: z.array(z.looseObject({ text: freeText.optional() })).max(10).optional(),
    cancelationReason: z.looseObject({ text: freeText.optional() }).optional(),
  })
  .transform((resource, context): AppointmentRequest => {
    const problem = (path: (string | number)[], message: string) => context.issues.push({ code: 'custom', path, message, input: resource });
    const request: AppointmentRequest = { status: resource.status, startsAt: resource.start, endsAt: resource.end, resources: [] };
    resource.participant.forEach(({ actor }, index) => {
      const patientId = idIn(actor?.reference, ['Patient']);
      const doctorId = idIn(actor?.reference, ['Practitioner', 'PractitionerRole']);
      const held = (['Location', 'Device'] as const).find((type) => idIn(actor?.reference, [type]));
      if (patientId && !request.patientId) request.patientId = patientId;
      else if (doctorId && !request.doctorId) request.doctorId = doctorId;
      else if (held) request.resources.push(`${held}/${idIn(actor?.reference, [held])}`);
      else problem(['participant', index, 'actor'], 'must be the one Patient/<id>, the one Practitioner/<id>, or a room (Location/<id>) or device (Device/<id>) it holds');
    });
    const slot = resource.slot?.[0];
    if (slot) {
      request.slot = slotPeriodOf(slot.reference ?? '');
      if (!request.slot) problem(['slot', 0, 'reference'], 'must be Slot/<id> of a slot found by searching Slot');
    }
    const codings = resource.appointmentType?.coding?.filter((coding) => coding.system === appointmentTypeSystem) ?? [];
    if (resource.appointmentType) {
      request.appointmentTypeId = codings.length === 1 && uuid.safeParse(codings[0]!.code).success ? codings[0]!.code : undefined;
      if (!request.appointmentTypeId) problem(['appointmentType', 'coding'], `must hold one coding of ${appointmentTypeSystem} (an appointment type id)`);
    }
    const reasons = resource.reasonCode?.flatMap((reason) => reason.text ?? []) ?? [];
    if (reasons.length > 0) request.reason = reasons.join('; ');
    if (resource.cancelationReason?.text) request.cancellationReason = resource.cancelationReason.text;
    return request;
  });
