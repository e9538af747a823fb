import { fhirResource, type FhirSearch } from '@pms/platform/fhir';
import type { DoctorContext } from '../domain/context.js';
import { readDevice, readFloorLocation, searchDevices, searchFloorLocations } from '../domain/floor-search.js';
import { equipmentKindSystem, toDevice } from '../fhir/device.js';
import { toLocation } from '../fhir/location.js';
import { byId, referencedIds } from './fhir-params.js';

// The clinic floor over FHIR: sites and rooms as Location, equipment as Device (read and search).

const page = (search: FhirSearch) => ({ offset: search.offset, limit: search.count });

/** The code of a token given bare or with our `system|`; null for another system (it matches nothing). */
function kindOf(search: FhirSearch, name: string, system: string): string | null | undefined {
  const token = search.token(name);
  if (!token) return undefined;
  return token.system === undefined || token.system === system ? token.code : null;
}

export const location = (ctx: DoctorContext) =>
  fhirResource({
    type: 'Location',
    searchParams: {
      _id: byId,
      name: { type: 'string', description: 'A word of the name starts with this text (case-insensitive)' },
      partof: { type: 'reference', description: 'The site a room is part of (Location/<id>): its rooms', target: ['Location'] },
    },
    read: async (_request, id) => toLocation(await readFloorLocation(ctx, id)),
    search: async (_request, search) => {
      const { items, total } = await searchFloorLocations(ctx, { ids: search.uuids('_id'), name: search.one('name'), partOf: referencedIds(search, 'partof', 'Location') }, page(search));
      return { resources: items.map(toLocation), total };
    },
  });

export const device = (ctx: DoctorContext) =>
  fhirResource({
    type: 'Device',
    searchParams: {
      _id: byId,
      'device-name': { type: 'string', description: 'A word of the name starts with this text (case-insensitive)' },
      location: { type: 'reference', description: 'The site the device is placed at (Location/<id>); movable devices are at none', target: ['Location'] },
      type: { type: 'token', description: `The kind (ULTRASOUND, or ${equipmentKindSystem}|ULTRASOUND)` },
    },
    read: async (_request, id) => toDevice(await readDevice(ctx, id)),
    search: async (_request, search) => {
      const kind = kindOf(search, 'type', equipmentKindSystem);
      if (kind === null) return { resources: [], total: 0 };
      const filter = { ids: search.uuids('_id'), name: search.one('device-name'), locationIds: referencedIds(search, 'location', 'Location'), kind };
      const { items, total } = await searchDevices(ctx, filter, page(search));
      return { resources: items.map(toDevice), total };
    },
  });
