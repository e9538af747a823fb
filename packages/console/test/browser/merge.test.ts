import { randomUUID } from 'node:crypto';
import { demoDefaults, type RunningSystem } from '@pms/devstack';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTab, type Tab } from './browser.js';
import { screenshotFailures, startBrowserSystem } from './system.js';
import { countOf, reloadUntil, signIn } from './steps.js';

// Issue 23 in the console: a record's possible duplicates, the clinic's list, the side-by-side
// merge (and a refused one), and the survivor that shows everything of both.
let system: RunningSystem;
let browser: Browser;
let stop: () => Promise<void>;
const tabs: Tab[] = [];
const unique = randomUUID().slice(0, 8);

interface NewPatient {
  name: string;
  email: string;
  dateOfBirth: string;
  phone?: string;
  address?: string;
}
// One woman registered twice: a typo in the name, another email, the phone only on the second record.
const margarete: NewPatient = { name: `Margarete Lindqvist ${unique}`, email: `margarete-${unique}@merge.example`, dateOfBirth: '1961-04-23', address: 'Storgatan 5, Malmö' };
const typo: NewPatient = { name: `Margarete Lindkvist ${unique}`, email: `m.lindqvist-${unique}@merge.example`, dateOfBirth: '1961-04-23', phone: '+46 40 555 0199' };
// Two records that look alike but hold appointments at the same time with two doctors: two people.
const oskar: NewPatient = { name: `Oskar Berglund ${unique}`, email: `oskar-${unique}@merge.example`, dateOfBirth: '1979-11-02' };
const oscar: NewPatient = { name: `Oscar Berglund ${unique}`, email: `oscar-${unique}@merge.example`, dateOfBirth: '1979-11-02' };
const doctorNames = [`Dr. Merge One ${unique}`, `Dr. Merge Two ${unique}`] as const;
/** Three days ahead, in UTC (the doctors' zone), so every booking is in the future and inside the policy. */
const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
const at = (time: string) => `${day}T${time}:00.000Z`;
const ids: Record<string, string> = {};

let token: string;
async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${system.gatewayUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as T };
}

/** Books through the API; a doctor's new schedule reaches appointment a moment later, so it is polled. */
async function book(patientId: string, doctorId: string, startsAt: string) {
  await vi.waitFor(
    async () => {
      const booked = await call('POST', '/api/appointments', { patientId, doctorId, startsAt, reason: 'Check-up' });
      if (booked.status !== 201) throw new Error(`booking answered ${booked.status}: ${JSON.stringify(booked.body)}`);
    },
    { timeout: 60_000, interval: 1_000 },
  );
}

beforeAll(async () => {
  ({ system, browser, stop } = await startBrowserSystem('merge'));
  token = (await call<{ accessToken: string }>('POST', '/auth/login', { email: demoDefaults.ADMIN_EMAIL, password: demoDefaults.ADMIN_PASSWORD })).body.accessToken;
  const doctorIds: string[] = [];
  for (const [index, name] of doctorNames.entries()) {
    const created = await call<{ id: string }>('POST', '/api/doctors', { name, email: `merge-dr${index}-${unique}@merge.example`, specialty: 'CARDIOLOGY' });
    expect(created.status).toBe(201);
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '06:00', end: '20:00' }));
    expect((await call('PUT', `/api/doctors/${created.body.id}/schedule`, { timeZone: 'UTC', slotMinutes: 30, hours })).status).toBe(200);
    doctorIds.push(created.body.id);
  }
  for (const [key, patient] of Object.entries({ margarete, typo, oskar, oscar })) {
    const created = await call<{ id: string }>('POST', '/api/patients', patient);
    expect(created.status).toBe(201);
    ids[key] = created.body.id;
  }
  const [one, two] = doctorIds as [string, string];
  await book(ids.margarete!, one, at('09:00'));
  await book(ids.typo!, one, at('11:00'));
  await book(ids.oskar!, one, at('14:00'));
  await book(ids.oscar!, two, at('14:00'));
  // Each record of the pair to merge holds an invoice of its own before the merge (billing makes it from the booking event).
  await vi.waitFor(
    async () => {
      for (const key of ['margarete', 'typo']) {
        const invoices = await call<{ total: number }>('GET', `/api/billing/invoices?patientId=${ids[key]}`);
        if (invoices.body.total !== 1) throw new Error(`${key} has ${invoices.body.total} invoices so far`);
      }
    },
    { timeout: 90_000, interval: 1_000 },
  );
});

screenshotFailures(tabs);

afterAll(async () => {
  await stop?.();
});

/** The staff list's row of a pair (either record may come first). */
const pairRow = (admin: Tab, a: NewPatient, b: NewPatient) =>
  admin.page.getByRole('table', { name: 'Possible duplicates' }).getByRole('row').filter({ hasText: a.name }).filter({ hasText: b.name });

describe('finding and merging duplicate patients in the console', () => {
  let admin: Tab;

  it('a record\u2019s page lists its likely duplicate with the reasons', async () => {
    admin = await openTab(browser, system.gatewayUrl);
    tabs.push(admin);
    const { page } = admin;
    await signIn(page, demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
    await page.goto(`/patients/${ids.margarete}`);
    await page.getByRole('heading', { name: margarete.name }).waitFor();
    const suggestions = page.getByRole('table', { name: 'Possible duplicates' });
    const row = suggestions.getByRole('row').filter({ hasText: typo.name });
    await row.getByText(/Similar name \(\d+%\)/).waitFor();
    await row.getByText('Same date of birth').waitFor();
    await row.getByRole('link', { name: 'Compare and merge' }).waitFor();
    // The look-alike pair of the same clinic is someone else: not suggested here.
    await countOf(suggestions.getByText(oskar.name)).toBe(0);
    await admin.screenshot('patient-duplicates');
  });

  it('the staff list shows the clinic\u2019s likely pairs', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Possible duplicates' }).click();
    await page.getByRole('heading', { name: 'Possible duplicates', level: 2 }).waitFor();
    await pairRow(admin, margarete, typo).getByText('Same date of birth').waitFor();
    await pairRow(admin, oskar, oscar).getByText('Same date of birth').waitFor();
    await page.getByText('2 pairs').waitFor();
    await admin.screenshot('duplicates');
  });

  it('a merge of records with appointments at the same time is refused, naming both', async () => {
    const { page } = admin;
    await pairRow(admin, oskar, oscar).getByRole('link', { name: 'Compare and merge' }).click();
    await page.getByRole('heading', { name: 'Merge records' }).waitFor();
    await page.getByRole('button', { name: 'Merge records' }).click();
    await page.getByRole('dialog').getByRole('button', { name: /^Merge into / }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The two records have appointments at the same time' });
    const clash = refusal.getByRole('list', { name: 'Overlapping appointments' }).getByRole('listitem');
    await countOf(clash).toBe(1);
    // Said as a person reads it: whose appointment, when, with which doctor, on both sides.
    for (const named of [oskar.name, oscar.name, ...doctorNames]) await expect.poll(() => clash.textContent(), { timeout: 30_000 }).toContain(named);
    await refusal.getByText('Nothing was merged.').waitFor();
    await admin.expectErrors(/status of 409/);
  });

  it('the side-by-side merge keeps the chosen values and moves everything to the survivor', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Possible duplicates' }).click();
    await pairRow(admin, margarete, typo).getByRole('link', { name: 'Compare and merge' }).click();
    await page.getByRole('radio', { name: `Keep ${margarete.name}` }).check();
    const keep = (field: string, value: string) => page.getByRole('radiogroup', { name: field, exact: true }).getByRole('radio', { name: value, exact: true }).check();
    await keep('Name', margarete.name);
    await keep('Email', typo.email);
    await keep('Phone', typo.phone!);
    await keep('Address', margarete.address!);
    // Each column lists the record's appointment (it moves with the merge).
    await page.getByRole('region', { name: typo.name }).getByText(`with ${doctorNames[0]}`).waitFor();
    await admin.screenshot('merge', { fullPage: true });

    await page.getByRole('button', { name: 'Merge records' }).click();
    await page.getByRole('dialog').getByRole('button', { name: `Merge into ${margarete.name}` }).click();
    await page.waitForURL(`**/patients/${ids.margarete}`);
    await page.getByRole('heading', { name: margarete.name }).waitFor();
    await page.getByRole('status').filter({ hasText: `${typo.name} was merged into this record; 1 appointment(s) moved` }).waitFor();
    // The kept values: the name and address of the first record, email and phone of the second.
    for (const value of [typo.email, typo.phone!, margarete.address!]) await page.getByText(value).first().waitFor();
    await countOf(page.getByRole('table', { name: 'Appointments' }).getByText('BOOKED')).toBe(2);
    await page.getByRole('table', { name: 'Audit trail' }).getByRole('row', { name: new RegExp(`MERGE.*${ids.typo}`) }).waitFor();
    // Invoices follow PatientMerged through billing's consumer: a moment later.
    await reloadUntil(page, 'both invoices on the survivor', async () => (await page.getByRole('table', { name: 'Invoices' }).getByText('PENDING').count()) === 2);
  });

  it('the merged record\u2019s address shows the survivor and says it was merged', async () => {
    const { page } = admin;
    await page.goto(`/patients/${ids.typo}`);
    await page.getByRole('heading', { name: margarete.name }).waitFor();
    await page.getByRole('status').filter({ hasText: `The record you opened (${ids.typo}) was merged into this one` }).waitFor();
    await countOf(page.getByRole('table', { name: 'Appointments' }).getByText('BOOKED')).toBe(2);
  });

  it('a pair marked "not a duplicate" leaves the list for good', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Possible duplicates' }).click();
    // The merged pair is gone already: a tombstone is nobody's duplicate.
    await countOf(pairRow(admin, margarete, typo)).toBe(0);
    await pairRow(admin, oskar, oscar).getByRole('button', { name: 'Not a duplicate' }).click();
    await page.getByText('No likely duplicates.').waitFor();
    await page.reload();
    await page.getByText('No likely duplicates.').waitFor();
    await page.goto(`/patients/${ids.oskar}`);
    await page.getByRole('region', { name: 'Possible duplicates' }).getByText('No likely duplicates.').waitFor();
  });

  it('no page logged an error to the browser console', () => {
    expect(tabs.flatMap((opened) => opened.errors)).toEqual([]);
  });
});
