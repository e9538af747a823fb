import type { Device } from '@medplum/fhirtypes';
import type { Maintained } from '../domain/floor-search.js';

/** Our own code system: an equipment kind as the JSON API spells it (ULTRASOUND, ECG, …). */
export const equipmentKindSystem = 'https://pms.example.org/fhir/CodeSystem/equipment-kind';
const statusReasonSystem = 'http://terminology.hl7.org/CodeSystem/device-status-reason';

/**
 * A device: its kind as `type`, its site as `location` when placed (movable equipment has none
 * and is usable at every site). Out of service is `inactive`; under maintenance right now stays
 * `active` with the status reason `offline` (R4's Device has no maintenance status), until it ends.
 */
export function toDevice({ row, maintenanceUntil }: Maintained): Device {
  const device: Device = {
    resourceType: 'Device',
    id: row.id,
    meta: { lastUpdated: row.updatedAt.toISOString() },
    status: row.active ? 'active' : 'inactive',
    deviceName: [{ name: row.name, type: 'user-friendly-name' }],
    type: { coding: [{ system: equipmentKindSystem, code: row.kind }], text: row.kind },
  };
  if (row.locationId) device.location = { reference: `Location/${row.locationId}` };
  else device.note = [{ text: 'Movable: usable at every location.' }];
  if (maintenanceUntil) {
    device.statusReason = [
      { coding: [{ system: statusReasonSystem, code: 'offline', display: 'Offline' }], text: `Under maintenance until ${maintenanceUntil.toISOString()}` },
    ];
  }
  return device;
}
