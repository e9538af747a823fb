import { randomUUID } from 'node:crypto';
import { demoDefaults, type RunningSystem } from '@pms/devstack';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTab, type Tab } from './browser.js';
import { choosePatient, countOf, fillIn, reloadUntil, signIn } from './steps.js';
import { screenshotFailures, startBrowserSystem } from './system.js';

// The clinic floor through the console (issue 22): locations, rooms and equipment, a type that
// needs them, and the day as a time grid, by doctor and by room, booked by clicking and moved by
// dragging; then the waitlist offer, a type edited, and the audit trail naming its actor.
let system: RunningSystem;
let browser: Browser;
let stopSystem: (() => Promise<void>) | undefined;
const tabs: Tab[] = [];
const unique = randomUUID().slice(0, 8);
/** A site five hours behind the browser's UTC: the grid must show its wall-clock times. */
const zone = 'America/New_York';
const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(Date.now() + 86_400_000);
const tomorrowWeekday = ((new Date(`${tomorrow}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
const dayName = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(`${tomorrow}T00:00:00Z`));

const site = { name: `Harbour site ${unique}`, address: '1 Pier Road' };
const room = `Exam ${unique}`;
const device = `Echo ${unique}`;
const type = `Ultrasound exam ${unique}`;
const doctorA = { name: `Dr. Ada Floor ${unique}`, email: `ada-floor-${unique}@floor.example` };
const doctorB = { name: `Dr. Bo Floor ${unique}`, email: `bo-floor-${unique}@floor.example` };
const patients = {
  ann: { name: `Ann Grid ${unique}`, email: `ann-${unique}@floor.example` },
  ben: { name: `Ben Busy ${unique}`, email: `ben-${unique}@floor.example` },
  cleo: { name: `Cleo Waiting ${unique}`, email: `cleo-${unique}@floor.example` },
};
const staffUser = { name: `Sam Staff ${unique}`, email: `sam-${unique}@floor.example`, password: `sam-pw-${unique}` };
const ids: Record<string, string> = {};
let adminToken: string;

beforeAll(async () => {
  ({ system, browser, stop: stopSystem } = await startBrowserSystem('floor'));
  adminToken = (await call<{ accessToken: string }>('POST', '/auth/login', { email: demoDefaults.ADMIN_EMAIL, password: demoDefaults.ADMIN_PASSWORD })).accessToken;
  // What the walk needs but does not test: doctors and patients, made through the API.
  for (const [key, doctor] of Object.entries({ doctorA, doctorB })) ids[key] = (await call<{ id: string }>('POST', '/api/doctors', { ...doctor, specialty: 'CARDIOLOGY' })).id;
  for (const [key, patient] of Object.entries(patients)) ids[key] = (await call<{ id: string }>('POST', '/api/patients', { ...patient, dateOfBirth: '1980-05-06' })).id;
});

screenshotFailures(tabs);

afterAll(async () => {
  await stopSystem?.();
});

/** The API as an admin, for what the walk prepares or checks behind the console's back. */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${system.gatewayUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The instant (ms) a wall-clock time of tomorrow at the site is. */
function atSite(time: string): number {
  const guess = Date.parse(`${tomorrow}T${time}:00Z`);
  const wall = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(guess);
  const [day, clock] = wall.split(', ');
  return guess + (guess - Date.parse(`${day}T${clock}:00Z`));
}
const instantOf = (item: { startsAt: string }) => Date.parse(item.startsAt);

/**
 * Drags a block as a hand would: pressed near its top, moved in steps, released with its top where
 * the target's top is (the grid places a dropped block by its top edge).
 */
async function drag(page: Page, block: Locator, target: Locator) {
  await target.scrollIntoViewIfNeeded();
  await block.scrollIntoViewIfNeeded();
  const from = (await block.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + 5);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, from.y + 20, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + 5, { steps: 20 });
  await page.mouse.up();
}

const visit = (page: Page, time: string, patient: { name: string }) => page.getByRole('article', { name: `${time} ${patient.name}` });

describe('the clinic floor in the console', () => {
  let admin: Tab;

  it('the admin creates a location with opening hours, a room with maintenance and a device', async () => {
    admin = await openTab(browser, system.gatewayUrl);
    tabs.push(admin);
    const { page } = admin;
    await signIn(page, demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);

    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByRole('button', { name: 'New location' }).click();
    const form = page.getByRole('form', { name: 'Location' });
    await fillIn(form, { Name: site.name, Address: site.address, 'Time zone': 'Mars/Olympus' });
    await form.getByRole('button', { name: 'Add opening hours' }).click();
    await form.getByRole('button', { name: 'Create location' }).click();
    await form.getByText('must be an IANA time zone').waitFor();
    await form.getByLabel('Time zone').fill(zone);
    await form.getByLabel('End').fill('07:00');
    await form.getByRole('button', { name: 'Create location' }).click();
    await form.getByText('start must be before end').waitFor();
    await form.getByLabel('End').fill('19:00');
    // Open tomorrow (the day the walk books): availability keeps to the site's opening hours.
    await form.getByLabel('Day').selectOption(String(tomorrowWeekday));
    await form.getByRole('button', { name: 'Create location' }).click();
    const openDay = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][tomorrowWeekday - 1];
    await page.getByRole('table', { name: 'Locations' }).getByRole('row', { name: new RegExp(`${site.name}.*${zone}.*${openDay} 08:00–19:00`) }).waitFor();
    await admin.screenshot('locations');
    ids.location = (await call<{ items: { id: string; name: string }[] }>('GET', '/api/locations')).items.find((location) => location.name === site.name)!.id;

    await page.getByRole('link', { name: 'Rooms' }).click();
    await page.getByRole('button', { name: 'New room' }).click();
    const roomForm = page.getByRole('form', { name: 'Room' });
    await fillIn(roomForm, { Name: room, Kind: 'exam room' });
    await roomForm.getByLabel('Location').selectOption({ label: site.name });
    await roomForm.getByRole('button', { name: 'Create room' }).click();
    // The contracts' rule for kinds, next to the field (the form upper-cases what was typed; a space stays wrong).
    await roomForm.getByText('must be UPPER_CASE letters, digits or _').waitFor();
    await fillIn(roomForm, { Kind: 'exam' });
    await roomForm.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('table', { name: 'Rooms' }).getByRole('row', { name: new RegExp(`${room}.*EXAM.*${site.name}`) }).waitFor();

    // Maintenance late tomorrow afternoon, typed in the site's time: the room grid shows it there.
    await page.getByRole('button', { name: `Maintenance of ${room}` }).click();
    const maintenance = page.getByRole('dialog');
    await fillIn(maintenance, { From: `${tomorrow}T16:00`, Until: `${tomorrow}T17:00`, Reason: 'Couch repair' });
    await maintenance.getByRole('button', { name: 'Add maintenance' }).click();
    await maintenance.getByRole('table', { name: 'Maintenance' }).getByRole('row', { name: /16:00.*17:00.*Couch repair/ }).waitFor();
    await page.keyboard.press('Escape');
    await maintenance.waitFor({ state: 'hidden' });
    await admin.screenshot('rooms');

    await page.getByRole('link', { name: 'Equipment' }).click();
    await page.getByRole('button', { name: 'New device' }).click();
    const deviceForm = page.getByRole('form', { name: 'Device' });
    await fillIn(deviceForm, { Name: device, Kind: 'ULTRASOUND' });
    await deviceForm.getByLabel('Location').selectOption({ label: site.name });
    await deviceForm.getByRole('button', { name: 'Create device' }).click();
    await page.getByRole('table', { name: 'Equipment' }).getByRole('row', { name: new RegExp(`${device}.*ULTRASOUND.*${site.name}`) }).waitFor();
    await admin.screenshot('equipment');
  });

  it('the admin makes a type that needs the room and the device', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Appointment types' }).click();
    await page.getByRole('button', { name: 'New type' }).click();
    const form = page.getByRole('form', { name: 'Appointment type' });
    await fillIn(form, { Name: type, 'Duration (minutes)': '30' });
    await form.getByRole('button', { name: 'Add a room or device' }).click();
    await form.getByRole('button', { name: 'Add a room or device' }).click();
    await form.getByRole('group', { name: 'Needs 1' }).getByLabel('Kind').fill('exam');
    await form.getByRole('group', { name: 'Needs 2' }).getByLabel('Category').selectOption('EQUIPMENT');
    await form.getByRole('group', { name: 'Needs 2' }).getByLabel('Kind').fill('ultrasound');
    await form.getByRole('button', { name: 'Create type' }).click();
    await page.getByRole('table', { name: 'Appointment types' }).getByRole('row', { name: new RegExp(`${type}.*Room EXAM, Equipment ULTRASOUND`) }).waitFor();
    ids.type = (await call<{ items: { id: string; name: string }[] }>('GET', '/api/appointment-types')).items.find((t) => t.name === type)!.id;

    // Both doctors work tomorrow at the new site (its zone), 08:00–18:00.
    for (const doctor of ['doctorA', 'doctorB']) {
      await call('PUT', `/api/doctors/${ids[doctor]}/schedule`, { timeZone: zone, slotMinutes: 30, hours: [{ weekday: tomorrowWeekday, start: '08:00', end: '18:00', locationId: ids.location }] });
    }
    // Doctor learns of the type and its needs through an event: the grid below asks once it knows.
    const opening = `from=${new Date(atSite('08:00')).toISOString()}&to=${new Date(atSite('18:00')).toISOString()}&appointmentTypeId=${ids.type}`;
    await vi.waitFor(
      async () => {
        const { slots } = await call<{ slots: unknown[] }>('GET', `/api/doctors/${ids.doctorA}/availability?${opening}`);
        if (slots.length === 0) throw new Error('no free time for the type yet');
      },
      { timeout: 60_000, interval: 500 },
    );
  });

  it('the day grid by doctor: a free block books the visit with its room and device', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.getByLabel('Location').selectOption({ label: site.name });
    await page.getByText(`Times in ${zone}`).waitFor();
    await page.getByLabel('Date', { exact: true }).fill(tomorrow);
    await page.getByLabel('Free time for').selectOption({ label: type });
    await expect.poll(() => new URL(page.url()).searchParams.get('date')).toBe(tomorrow);
    await page.getByRole('heading', { name: doctorA.name }).waitFor();
    await page.getByRole('heading', { name: doctorB.name }).waitFor();

    const slot = page.getByRole('button', { name: `Free slot ${doctorA.name} ${dayName} 09:00` });
    await slot.click();
    const booking = page.getByRole('dialog');
    await choosePatient(booking, patients.ann);
    await expect.poll(() => booking.getByLabel('Appointment type').inputValue()).toBe(ids.type);
    await booking.getByRole('button', { name: 'Book' }).click();
    const booked = visit(page, '09:00', patients.ann);
    await booked.getByText('BOOKED').waitFor();
    await booked.getByText(room).waitFor();
    await booked.getByText(device).waitFor();
    await countOf(slot).toBe(0);
    await admin.screenshot('calendar-day-doctors');
  });

  it('dragging the visit to another time moves it; onto a taken time it snaps back with the reason', async () => {
    const { page } = admin;
    const [booked] = (await call<{ items: { id: string; startsAt: string }[] }>('GET', `/api/appointments?patientId=${ids.ann}`)).items;
    expect(instantOf(booked!)).toBe(atSite('09:00'));

    await drag(page, visit(page, '09:00', patients.ann).getByRole('button'), page.getByRole('button', { name: `Free slot ${doctorA.name} ${dayName} 11:00` }));
    await visit(page, '11:00', patients.ann).getByText('BOOKED').waitFor();
    await expect.poll(async () => instantOf(await call<{ startsAt: string }>('GET', `/api/appointments/${booked!.id}`))).toBe(atSite('11:00'));

    // Ben takes 14:00 with the same doctor behind the console's back; the grid shows it after a reload.
    ids.benVisit = (await call<{ id: string }>('POST', '/api/appointments', { patientId: ids.ben, doctorId: ids.doctorA, startsAt: new Date(atSite('14:00')).toISOString() })).id;
    await reloadUntil(page, 'Ben at 14:00 on the grid', async () => (await visit(page, '14:00', patients.ben).count()) === 1);
    await drag(page, visit(page, '11:00', patients.ann).getByRole('button'), visit(page, '14:00', patients.ben).getByRole('button'));
    await page.getByRole('alert').getByText(/already has an appointment at that time/).waitFor();
    await admin.expectErrors(/status of 409/);
    await visit(page, '11:00', patients.ann).getByText('BOOKED').waitFor();
    await countOf(visit(page, '14:00', patients.ann)).toBe(0);
    expect(instantOf(await call<{ startsAt: string }>('GET', `/api/appointments/${booked!.id}`))).toBe(atSite('11:00'));
  });

  it('the day grid by room shows the visits each room holds, and its maintenance', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'By room' }).click();
    await page.getByRole('heading', { name: `${room} (EXAM)` }).waitFor();
    await visit(page, '11:00', patients.ann).getByText(room).waitFor();
    await page.getByText('Maintenance 16:00–17:00: Couch repair').waitFor();
    // Ben's visit needs no room: it is not in the room's column.
    await countOf(visit(page, '14:00', patients.ben)).toBe(0);
    await admin.screenshot('calendar-day-rooms');
  });

  it('staff accept a waitlist offer for a patient', async () => {
    const { page } = admin;
    await call('POST', '/api/waitlist', { patientId: ids.cleo, doctorId: ids.doctorA, from: new Date(atSite('08:00')).toISOString(), to: new Date(atSite('18:00')).toISOString() });
    // Ben's visit is cancelled: its time is offered to Cleo (through the events).
    await call('POST', `/api/appointments/${ids.benVisit}/cancel`, { reason: 'Cannot come' });
    await page.getByRole('link', { name: 'Waitlist' }).click();
    const row = page.getByRole('table', { name: 'Waitlist' }).getByRole('row', { name: new RegExp(patients.cleo.name) });
    await reloadUntil(page, 'the offer to Cleo', async () => (await row.getByText('OFFERED', { exact: true }).count()) === 1);
    await row.getByRole('button', { name: 'Accept offer' }).click();
    await row.getByText('Booked.').waitFor();
    await reloadUntil(page, 'Cleo’s entry booked', async () => (await row.getByText('BOOKED', { exact: true }).count()) === 1);
    const [cleoVisit] = (await call<{ items: { startsAt: string; status: string }[] }>('GET', `/api/appointments?patientId=${ids.cleo}`)).items;
    expect(cleoVisit).toMatchObject({ status: 'BOOKED' });
    expect(instantOf(cleoVisit!)).toBe(atSite('14:00'));
  });

  it('the admin edits the type: its price changes, its needs stay', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Appointment types' }).click();
    await page.getByRole('button', { name: `Edit ${type}` }).click();
    const form = page.getByRole('form', { name: 'Appointment type' });
    await fillIn(form, { 'Price (EUR)': '80' });
    await form.getByRole('button', { name: 'Save type' }).click();
    await page.getByRole('table', { name: 'Appointment types' }).getByRole('row', { name: new RegExp(`${type}.*€80\\.00.*Room EXAM, Equipment ULTRASOUND`) }).waitFor();
    const saved = (await call<{ items: { name: string; priceCents: number; requiredResources: unknown[] }[] }>('GET', '/api/appointment-types')).items.find((t) => t.name === type);
    expect(saved).toMatchObject({ priceCents: 8_000, requiredResources: [{ category: 'ROOM', kind: 'EXAM' }, { category: 'EQUIPMENT', kind: 'ULTRASOUND' }] });
  });

  it('the audit trail names who read the record', async () => {
    await call('POST', '/auth/users', { ...staffUser, role: 'staff' });
    const staff = await openTab(browser, system.gatewayUrl);
    tabs.push(staff);
    await signIn(staff.page, staffUser.email, staffUser.password);
    await staff.page.goto(`/patients/${ids.ann}`);
    await staff.page.getByRole('heading', { name: patients.ann.name }).waitFor();
    await staff.context.close();

    const { page } = admin;
    await page.goto(`/patients/${ids.ann}`);
    const audit = page.getByRole('table', { name: 'Audit trail' });
    await audit.getByRole('row', { name: new RegExp(`READ.*staff.*${staffUser.name} \\(${staffUser.email}\\)`) }).first().waitFor();
    await audit.getByRole('row', { name: new RegExp(`CREATE.*admin.*${demoDefaults.ADMIN_EMAIL}`) }).waitFor();
    // The visit shows where it takes place on the patient's page too.
    await page.getByRole('table', { name: 'Appointments' }).getByText(room).waitFor();
  });

  it('no page logged an error to the browser console', () => {
    expect(tabs.flatMap((opened) => opened.errors)).toEqual([]);
  });
});
