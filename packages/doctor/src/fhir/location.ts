import type { Location } from '@medplum/fhirtypes';
import type { LocationRow, ResourceRow } from '../db/schema.js';
import type { FloorLocation } from '../domain/floor-search.js';
import { sameTimes } from './weekly.js';

/** FHIR's extension for the IANA time zone of a Location. */
export const timeZoneExtension = 'http://hl7.org/fhir/StructureDefinition/timezone';
const physicalTypeSystem = 'http://terminology.hl7.org/CodeSystem/location-physical-type';
/** Our own code system: a room's kind as the JSON API spells it (EXAM, PROCEDURE, …). */
export const roomKindSystem = 'https://pms.example.org/fhir/CodeSystem/room-kind';

const site = { coding: [{ system: physicalTypeSystem, code: 'si', display: 'Site' }] };
const room = { coding: [{ system: physicalTypeSystem, code: 'ro', display: 'Room' }] };

/**
 * A clinic site: its address (we keep it as one text), its time zone (the extension: R4 has no
 * element for it) and opening hours (`hoursOfOperation`, wall-clock times in that zone). The
 * default location, where working hours that name none are held, says so in `description`.
 */
function toSite(row: LocationRow): Location {
  const location: Location = {
    resourceType: 'Location',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    extension: [{ url: timeZoneExtension, valueCode: row.timeZone }],
    status: 'active',
    name: row.name,
    mode: 'instance',
    physicalType: site,
  };
  if (row.isDefault) location.description = 'The default location: working hours that name no location are held here.';
  if (row.address) location.address = { text: row.address };
  if (row.openingHours.length > 0) {
    location.hoursOfOperation = sameTimes(row.openingHours).map(({ daysOfWeek, start, end }) => ({ daysOfWeek, openingTime: start, closingTime: end }));
  }
  return location;
}

/**
 * A room: part of its site, its kind as `type`. Out of service (inactive) is `inactive`; under
 * maintenance right now is `suspended` (FHIR: temporarily closed), until the maintenance ends.
 */
function toRoom(row: ResourceRow, maintenanceUntil: Date | undefined): Location {
  return {
    resourceType: 'Location',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    status: !row.active ? 'inactive' : maintenanceUntil ? 'suspended' : 'active',
    name: row.name,
    mode: 'instance',
    type: [{ coding: [{ system: roomKindSystem, code: row.kind }], text: row.kind }],
    physicalType: room,
    ...(maintenanceUntil ? { description: `Under maintenance until ${maintenanceUntil.toISOString()}.` } : {}),
    partOf: { reference: `Location/${row.locationId}` },
  };
}

/** Sites and rooms are both Locations (their ids never meet: both are UUIDs). */
export const toLocation = (found: FloorLocation): Location => ('site' in found ? toSite(found.site) : toRoom(found.room, found.maintenanceUntil));
