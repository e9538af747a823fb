import { z } from 'zod';
import { afterValid, text, uuid } from '../common.js';
import { isTimeZone, TimeOff, WeeklyHours } from './doctor.js';

// The clinic floor: locations (sites), rooms and equipment, booked together with the doctor.

export const resourceCategories = ['ROOM', 'EQUIPMENT'] as const;
export const ResourceCategory = z.enum(resourceCategories);
export type ResourceCategory = z.infer<typeof ResourceCategory>;

/** A kind of room or device, e.g. EXAM, PROCEDURE, ULTRASOUND, ECG. */
export const ResourceKind = text().regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'must be UPPER_CASE letters, digits or _ (at most 40)');

export const LocationInput = z.object({
  name: text().trim().min(1).max(200),
  address: text().trim().max(500).nullable().default(null),
  timeZone: text().refine(isTimeZone, { message: 'must be an IANA time zone', ...afterValid }),
  openingHours: z.array(WeeklyHours).max(50).default([]),
});
export type LocationInput = z.output<typeof LocationInput>;

export const Location = z
  .object({
    id: uuid,
    name: z.string(),
    address: z.string().nullable(),
    timeZone: z.string(),
    openingHours: z.array(WeeklyHours),
    /** Where working hours without a location take place (existing schedules). */
    isDefault: z.boolean(),
  })
  .meta({ id: 'Location' });
export type Location = z.infer<typeof Location>;
export const LocationList = z.object({ items: z.array(Location) });

export const RoomInput = z.object({
  name: text().trim().min(1).max(200),
  kind: ResourceKind,
  locationId: uuid,
  /** How many visits it holds at once (a shared treatment room: more than one). */
  capacity: z.number().int().min(1).max(50).default(1),
  active: z.boolean().default(true),
});

export const EquipmentInput = RoomInput.extend({
  /** Null: movable, usable at any location. */
  locationId: uuid.nullable().default(null),
});
export type ResourceInput = z.output<typeof EquipmentInput>;

export const Resource = z
  .object({
    id: uuid,
    category: ResourceCategory,
    name: z.string(),
    kind: z.string(),
    locationId: uuid.nullable(),
    capacity: z.number().int(),
    active: z.boolean(),
  })
  .meta({ id: 'Resource' });
export type Resource = z.infer<typeof Resource>;
export const ResourceList = z.object({ items: z.array(Resource) });
export const ResourceListQuery = z.object({ locationId: uuid.optional(), kind: ResourceKind.optional() });
export const LocationListQuery = z.object({});

/** A room's or device's maintenance: a doctor's time off, held by a resource. */
export const ResourceTimeOff = TimeOff.omit({ doctorId: true }).extend({ resourceId: uuid });
export const ResourceTimeOffList = z.object({ items: z.array(ResourceTimeOff) });

/** One room or device a visit needs (an appointment type may need several). */
export const ResourceRequirement = z.object({ category: ResourceCategory, kind: ResourceKind });
export type ResourceRequirement = z.infer<typeof ResourceRequirement>;

/** A room or device reserved for an appointment (`unit` of a resource holding several at once). */
export const BookedResource = z.object({
  resourceId: uuid,
  unit: z.number().int().min(0),
  name: z.string(),
  category: ResourceCategory,
  kind: z.string(),
});
export type BookedResource = z.infer<typeof BookedResource>;
