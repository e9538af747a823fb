import type { PractitionerRoleAvailableTime } from '@medplum/fhirtypes';

export type FhirDay = NonNullable<PractitionerRoleAvailableTime['daysOfWeek']>[number];
const days: FhirDay[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Weekly blocks with the same times as one entry listing their weekdays (FHIR's availableTime, hoursOfOperation). */
export function sameTimes(blocks: { weekday: number; start: string; end: string }[]): { daysOfWeek: FhirDay[]; start: string; end: string }[] {
  const byTimes = new Map<string, { daysOfWeek: FhirDay[]; start: string; end: string }>();
  for (const block of blocks) {
    const key = `${block.start}-${block.end}`;
    const entry = byTimes.get(key) ?? { daysOfWeek: [], start: `${block.start}:00`, end: `${block.end}:00` };
    entry.daysOfWeek.push(days[block.weekday - 1]!);
    byTimes.set(key, entry);
  }
  return [...byTimes.values()];
}

/** The Locations a doctor's blocks are held at (a block naming none: the default location), each once. */
export function locationReferences(hours: { locationId?: string }[], defaultLocationId: string | undefined): { reference: string }[] {
  const ids = new Set(hours.flatMap((block) => block.locationId ?? defaultLocationId ?? []));
  return [...ids].map((id) => ({ reference: `Location/${id}` }));
}
