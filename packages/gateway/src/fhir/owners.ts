import type { Upstream } from '../upstreams.js';

/** Issue 21: which service serves which FHIR resource type (the service that owns its data). */
export const fhirOwners = {
  Patient: 'patient',
  Practitioner: 'doctor',
  PractitionerRole: 'doctor',
  Schedule: 'doctor',
  Slot: 'doctor',
  // Issue 22: the clinic floor (sites and rooms as Location, equipment as Device) is doctor's.
  Location: 'doctor',
  Device: 'doctor',
  Appointment: 'appointment',
  Invoice: 'billing',
  Communication: 'notification',
} as const;

export type FhirType = keyof typeof fhirOwners;

/** The upstream serving each resource type, from the gateway's upstream list. */
export function fhirRouting(upstreams: Upstream[]): Map<FhirType, Upstream> {
  const byName = new Map(upstreams.map((upstream) => [upstream.name, upstream]));
  const routing = new Map<FhirType, Upstream>();
  for (const [type, name] of Object.entries(fhirOwners) as [FhirType, string][]) {
    const upstream = byName.get(name);
    if (upstream) routing.set(type, upstream);
  }
  return routing;
}
