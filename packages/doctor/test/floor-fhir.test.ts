import type { Bundle, CapabilityStatement, Device, Location, OperationOutcome, PractitionerRole, Resource, Schedule } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fhirTestbed } from './fhir-testbed.js';
import { as, doctorBody, uniqueTag } from './support.js';

// The clinic floor over FHIR: sites and rooms as Location, equipment as Device; every answer is
// checked by HAPI's validator. Any role may read them (a patient user here).
const { bed, fhir: asStaff } = fhirTestbed();
const admin = as('admin');
const staff = as('staff');
const fhir = <T = unknown>(url: string, status = 200) => asStaff<T>(url, { status, headers: as('patient') });
const idsOf = (bundle: Bundle) => (bundle.entry ?? []).map((entry) => (entry.resource as Resource).id);

async function create(url: string, payload: object) {
  const response = await bed.doctor.app.inject({ method: 'POST', url, headers: admin, payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; name: string };
}

/** Now-ish maintenance: from an hour ago to a day ahead. */
const maintenanceNow = { startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString(), reason: 'Service' };

/** A Berlin site with two rooms (one under maintenance), a placed and a movable device (under maintenance). */
async function floor() {
  const tag = uniqueTag();
  const site = await create('/api/locations', {
    name: `Site ${tag}`,
    address: '1 Main St, Berlin',
    timeZone: 'Europe/Berlin',
    openingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '18:00' })).concat({ weekday: 6, start: '09:00', end: '12:00' }),
  });
  const exam = await create('/api/rooms', { name: `Exam ${tag}`, kind: 'EXAM', locationId: site.id });
  const procedure = await create('/api/rooms', { name: `Procedure ${tag}`, kind: 'PROCEDURE', locationId: site.id });
  const scanner = await create('/api/equipment', { name: `Ultrasound ${tag}`, kind: 'ULTRASOUND', locationId: site.id });
  const ecg = await create('/api/equipment', { name: `ECG ${tag}`, kind: 'ECG' });
  await create(`/api/rooms/${procedure.id}/time-off`, maintenanceNow);
  await create(`/api/equipment/${ecg.id}/time-off`, maintenanceNow);
  return { tag, site, exam, procedure, scanner, ecg };
}

describe('Location and Device', () => {
  it('are in the service’s CapabilityStatement with their search parameters', async () => {
    const statement = await fhir<CapabilityStatement>('metadata');
    const resources = statement.rest?.[0]?.resource ?? [];
    expect(resources.find((resource) => resource.type === 'Location')?.searchParam?.map((param) => param.name)).toEqual(['_id', 'name', 'partof']);
    expect(resources.find((resource) => resource.type === 'Device')?.searchParam?.map((param) => param.name)).toEqual(['_id', 'device-name', 'location', 'type']);
  });

  it('reads a site with its address, time zone and opening hours, and a room as part of it', async () => {
    const { site, exam, procedure } = await floor();
    expect(await fhir<Location>(`Location/${site.id}`)).toMatchObject({
      resourceType: 'Location',
      id: site.id,
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'Europe/Berlin' }],
      status: 'active',
      name: site.name,
      address: { text: '1 Main St, Berlin' },
      physicalType: { coding: [{ code: 'si' }] },
      hoursOfOperation: [
        { daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'], openingTime: '08:00:00', closingTime: '18:00:00' },
        { daysOfWeek: ['sat'], openingTime: '09:00:00', closingTime: '12:00:00' },
      ],
    });
    expect(await fhir<Location>(`Location/${exam.id}`)).toMatchObject({
      status: 'active',
      name: exam.name,
      physicalType: { coding: [{ code: 'ro' }] },
      type: [{ coding: [{ system: 'https://pms.example.org/fhir/CodeSystem/room-kind', code: 'EXAM' }] }],
      partOf: { reference: `Location/${site.id}` },
    });
    // Under maintenance now: temporarily closed.
    expect((await fhir<Location>(`Location/${procedure.id}`)).status).toBe('suspended');
    for (const id of [randomUUID(), 'not-a-location']) expect((await fhir<OperationOutcome>(`Location/${id}`, 404)).issue[0]?.code).toBe('not-found');
  });

  it('searches Locations by name, id and site (sites first, then rooms), paging with _count', async () => {
    const { tag, site, exam, procedure } = await floor();
    const byName = await fhir<Bundle>(`Location?name=${tag}`);
    expect([byName.total, idsOf(byName)]).toEqual([3, [site.id, exam.id, procedure.id]]);
    const secondPage = await fhir<Bundle>(`Location?name=${tag}&_count=2&_offset=2`);
    expect(idsOf(secondPage)).toEqual([procedure.id]);
    const firstPage = await fhir<Bundle>(`Location?name=${tag}&_count=2`);
    expect([idsOf(firstPage), firstPage.link?.find((link) => link.relation === 'next')?.url]).toEqual([[site.id, exam.id], expect.stringContaining('_offset=2')]);
    expect(idsOf(await fhir<Bundle>(`Location?partof=Location/${site.id}`))).toEqual([exam.id, procedure.id]);
    expect(idsOf(await fhir<Bundle>(`Location?partof=${site.id}&name=Exam`))).toEqual([exam.id]);
    expect(idsOf(await fhir<Bundle>(`Location?_id=${exam.id},${site.id},nonsense`))).toEqual([site.id, exam.id]);
    expect((await fhir<Bundle>(`Location?partof=Location/${randomUUID()}`)).total).toBe(0);
    expect((await fhir<OperationOutcome>(`Location?partof=Device/${site.id}`, 400)).issue[0]?.expression).toEqual(['partof']);
  });

  it('reads and searches equipment as Device: kind, site, and maintenance as an offline status reason', async () => {
    const { tag, site, scanner, ecg } = await floor();
    expect(await fhir<Device>(`Device/${scanner.id}`)).toMatchObject({
      resourceType: 'Device',
      status: 'active',
      deviceName: [{ name: scanner.name, type: 'user-friendly-name' }],
      type: { coding: [{ system: 'https://pms.example.org/fhir/CodeSystem/equipment-kind', code: 'ULTRASOUND' }] },
      location: { reference: `Location/${site.id}` },
    });
    const movable = await fhir<Device>(`Device/${ecg.id}`);
    expect(movable.location).toBeUndefined();
    expect(movable.statusReason?.[0]?.coding?.[0]?.code).toBe('offline');

    expect(idsOf(await fhir<Bundle>(`Device?device-name=${tag}`))).toEqual([ecg.id, scanner.id]);
    expect(idsOf(await fhir<Bundle>(`Device?device-name=${tag}&location=Location/${site.id}`))).toEqual([scanner.id]);
    expect(idsOf(await fhir<Bundle>(`Device?device-name=${tag}&type=ECG`))).toEqual([ecg.id]);
    expect((await fhir<Bundle>(`Device?device-name=${tag}&type=http://snomed.info/sct|ECG`)).total).toBe(0);
    // A room is no Device, nor a device a Location.
    await fhir(`Device/${site.id}`, 404);
    await fhir(`Location/${scanner.id}`, 404);
  });

  it('names the Locations a doctor works at in their Schedule and PractitionerRole (the default one for hours that name none)', async () => {
    const { site } = await floor();
    const created = await bed.doctor.app.inject({ method: 'POST', url: '/api/doctors', headers: admin, payload: doctorBody() });
    const doctorId = created.json().id as string;
    const hours = [
      { weekday: 1, start: '09:00', end: '12:00', locationId: site.id },
      { weekday: 2, start: '09:00', end: '12:00' },
    ];
    const put = await bed.doctor.app.inject({ method: 'PUT', url: `/api/doctors/${doctorId}/schedule`, headers: admin, payload: { timeZone: 'UTC', slotMinutes: 30, hours } });
    expect(put.statusCode).toBe(200);
    const main = (await bed.doctor.app.inject({ url: '/api/locations', headers: staff })).json().items.find((location: { isDefault: boolean }) => location.isDefault);
    const expected = [{ reference: `Location/${site.id}` }, { reference: `Location/${main.id}` }];
    expect((await fhir<Schedule>(`Schedule/${doctorId}`)).actor.slice(1)).toEqual(expected);
    expect((await fhir<PractitionerRole>(`PractitionerRole/${doctorId}`)).location).toEqual(expected);
    expect((await fhir<Location>(`Location/${main.id}`)).description).toContain('default location');
  });
});
